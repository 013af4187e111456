// Next.js: js-examples/nextjs/ with the packed package, built by `next build` (Turbopack) and by
// `next build --webpack`, then served by `next start` on loopback. Its route handler and its
// middleware run on the edge runtime, which exercises the package's `edge-light` entry (the
// .wasm imported with `?module`); a second route runs on the Node.js runtime, Next.js's
// default. Each is checked for a result and for a typed error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDouble } from '../double/server.mjs';
import { installPackedPackage } from '../pkg/installed.mjs';
import { run, root, here, bin, GOOD, BAD, freePort, startProcess, waitForServer } from './fixture.mjs';

let work;
let installed;
let double;

before(async () => {
  // Inside tests/runtimes/, so the app finds next, react and react-dom in its node_modules, as
  // an app in a workspace does (Turbopack reads nothing outside the project root).
  mkdirSync(join(here, '.work'), { recursive: true });
  work = mkdtempSync(join(here, '.work', 'nextjs-'));
  installed = join(installPackedPackage(), 'node_modules', 'outboundsync');
  double = await startDouble();
});

after(async () => {
  await double?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

/** A copy of the example with the packed package in its node_modules, built by `next build`. */
async function buildApp(name, args) {
  const app = join(work, name);
  cpSync(join(root, 'js-examples', 'nextjs'), app, { recursive: true });
  cpSync(installed, join(app, 'node_modules', 'outboundsync'), { recursive: true });
  await run(bin('next'), ['build', ...args], { cwd: app, env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  return app;
}

/** `next start` on a free loopback port with `key`, until `use(baseUrl)` settles. */
async function serve(app, key, use) {
  const port = await freePort();
  const server = startProcess(bin('next'), ['start', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: app,
    env: { ...env, OUTBOUNDSYNC_API_KEY: key, OUTBOUNDSYNC_BASE_URL: double.url },
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForServer(url, server.child);
    await use(url);
  } catch (err) {
    err.message += `\nnext start said:\n${server.output()}`;
    throw err;
  } finally {
    await server.stop();
  }
}

async function getJson(url) {
  const res = await fetch(url);
  const text = await res.text();
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${url}: ${res.status} ${text.slice(0, 500)}`);
  return { status: res.status, body: JSON.parse(text) };
}

const ROUTES = ['/api/outboundsync', '/api/outboundsync/node']; // edge, Node.js

for (const [bundler, args] of [['Turbopack', []], ['webpack', ['--webpack']]]) {
  test(`Next.js built with ${bundler}: edge and Node.js route handlers, edge middleware`, async () => {
    const app = await buildApp(bundler.toLowerCase(), args);

    // Both must be edge functions, or this test would not reach the edge-light entry at all.
    const manifest = JSON.parse(readFileSync(join(app, '.next', 'server', 'middleware-manifest.json'), 'utf8'));
    assert.ok(manifest.functions['/api/outboundsync/route'], `the route handler is not on the edge: ${JSON.stringify(manifest)}`);
    assert.ok(manifest.middleware['/'], `the middleware is not on the edge: ${JSON.stringify(manifest)}`);

    await serve(app, GOOD, async (url) => {
      for (const path of ROUTES) {
        const me = await getJson(`${url}${path}`);
        assert.equal(me.status, 200, `${path}: ${JSON.stringify(me.body)}`);
        assert.deepEqual(me.body.account, { id: 42, email: 'you@company.com' }, path);
        assert.deepEqual(me.body.apiKey, { name: 'Production', scopes: ['read'], connectionScope: 'account' }, path);
        assert.deepEqual(me.body.connections.map((c) => c.id), [7, 8, 9], path);
      }
      const health = await getJson(`${url}/health/outboundsync`);
      assert.deepEqual(health, { status: 200, body: { ok: true, connections: 3 } });
    });

    await serve(app, BAD, async (url) => {
      for (const path of [...ROUTES, '/health/outboundsync']) {
        const { status, body } = await getJson(`${url}${path}`);
        assert.equal(status, 500, `${path}: ${JSON.stringify(body)}`);
        assert.equal(body.error.name, 'OutboundSyncAuthenticationError', path);
        assert.equal(body.error.code, 'unauthorized', path);
        assert.match(body.error.message, /^OutboundSync rejected the API key \(HTTP 401/, path);
        assert.match(body.error.requestId, /^req_double_\d+$/, path);
        assert.ok(!JSON.stringify(body).includes(BAD), `${path}: the key is in the answer`);
      }
    });
  });
}
