// What every file in tests/runtimes/ shares: the tools tests/runtimes/package.json installs
// (make test does), the fake keys, and small process and network helpers.
import { execFile, spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { before, after } from 'node:test';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { FIXTURE_KEYS, startDouble } from '../support/double.mjs';
import { installPackedPackage } from '../support/installed.mjs';
import { until } from '../support/wait.mjs';

export const run = promisify(execFile);
export const root = fileURLToPath(new URL('../..', import.meta.url));
export const here = join(root, 'tests', 'runtimes');
export const tools = join(here, 'node_modules');
export const bin = (name) => join(tools, '.bin', name);
export const NODES = {
  18: join(tools, 'node18', 'bin', 'node'),
  20: process.execPath,
  22: join(tools, 'node22', 'bin', 'node'),
  24: join(tools, 'node24', 'bin', 'node'),
};

export const GOOD = FIXTURE_KEYS.accountWide; // connections 7, 8 and 9
export const BAD = 'osapi_test_revoked_key_0000'; // the double answers 401

/** What `useExampleProject` sets up for the tests of one file: `dir`, the packed package
 * installed into a fresh project with js-examples/ copied in, and `double`, the API double. */
export const project = {};

export function useExampleProject() {
  before(async () => {
    project.dir = installPackedPackage();
    cpSync(join(root, 'js-examples'), project.dir, { recursive: true });
    project.double = await startDouble();
  });
  after(() => project.double?.stop());
}

/** Polls `url` until it answers at all (any status), for servers that take a while to start. */
export function waitForServer(url, child, { timeoutMs = 60_000 } = {}) {
  return until(() => {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    return fetch(url).then(() => true, () => false);
  }, timeoutMs, `${url} answering`);
}

/** Starts a long-running command in its own process group, so `stop()` ends it and its children. */
export function startProcess(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    async stop() {
      const signal = (name) => {
        try {
          process.kill(-child.pid, name);
        } catch {
          // already gone
        }
      };
      if (child.exitCode === null && child.signalCode === null) signal('SIGTERM');
      // A server that ignores SIGTERM must not keep the test run open.
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The upload `wrangler deploy` would make from the project in `dir`, written to `out`: of its
 * wrangler.jsonc's `main`, or of `entry`, a file in the project. Returns the files written.
 * Wrangler 4 needs Node 22.12+. */
export async function wranglerBundle(dir, out, entry) {
  const env = { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: join(dir, 'wrangler-logs') };
  const args = [join(tools, 'wrangler', 'bin', 'wrangler.js'), 'deploy', ...(entry ? [entry] : []), '--dry-run', '--outdir', out];
  await run(NODES[24], args, { cwd: dir, env, timeout: 120_000 });
  return readdirSync(out);
}

/** The compatibility date the wrangler.jsonc in `dir` asks for (its comments are whole lines). */
export function compatibilityDate(dir) {
  return JSON.parse(readFileSync(join(dir, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).compatibility_date;
}
