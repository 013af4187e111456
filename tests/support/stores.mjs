// What the cacheStore tests share: the store key a base URL and key get, and a Redis server of the test's own (Debian's redis-server, which `make test` installs) on a
// free loopback port, with no persistence.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { freePort } from './ports.mjs';
import { until } from './wait.mjs';

/** `outboundsync:v1:` and the SHA-256 of the /me URL and the key (src/cache/stored.rs). */
export function storeKey(baseUrl, apiKey) {
  return `outboundsync:v1:${createHash('sha256').update(`${baseUrl}/api/v1/me\n${apiKey}`).digest('hex')}`;
}


/** Resolves once something accepts connections on the port. */
function listening(port, child) {
  return until(() => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
  }, 30_000, `redis-server listening on ${port}`);
}

/** Starts redis-server on 127.0.0.1; `port` to restart one on the same port. `kill()` is SIGKILL. */
export async function startRedis(port) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`redis-server could not start (${err.code}): run scripts/ensure-tools.sh test, which installs it`)));
  });
  await spawned;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await listening(port, child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
