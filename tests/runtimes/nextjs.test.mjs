// Next.js: js-examples/nextjs/ with the packed package and no next.config. Built by `next build`
// (Turbopack) and by `next build --webpack`, then served by `next start` with the package
// deleted from node_modules, so the build output alone must carry it (the .wasm included); and
// served by `next dev`. Its route handler and proxy.js run on Node.js (the package's Node entry);
// a second route runs on the deprecated edge runtime (the `edge-light` entry, the .wasm imported
// with `?module`). Each is checked for a result and for a typed error. A client page
// (nextjs-preload/) preloads the browser .wasm with React's preload and outboundsync/wasm-url,
// as the README says, and Chromium downloads it once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startDouble } from '../support/double.mjs';
import { installPackedPackage } from '../support/installed.mjs';
import { freePort } from '../support/ports.mjs';
import { run, root, here, bin, GOOD, BAD, startProcess, waitForServer } from './fixture.mjs';
import { withBrowser, probe } from './webdriver.mjs';

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
  if (installed) rmSync(dirname(dirname(installed)), { recursive: true, force: true });
});

// A key in the environment would win over .env.local, which the `next dev` test edits.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
delete env.OUTBOUNDSYNC_API_KEY;

const PATHS = ['/api/outboundsync', '/api/outboundsync/edge', '/health/outboundsync']; // Node.js, edge, proxy

/** A copy of the example with the packed package in its node_modules, and a client page
 * (nextjs-preload/). */
function copyApp(name) {
  const app = join(work, name);
  cpSync(join(root, 'js-examples', 'nextjs'), app, { recursive: true });
  cpSync(join(here, 'nextjs-preload'), app, { recursive: true });
  cpSync(installed, join(app, 'node_modules', 'outboundsync'), { recursive: true });
  return app;
}

/** `next <args>` in `app` on a free loopback port, until `use(baseUrl, server)` settles. */
async function serve(app, args, extraEnv, use) {
  const port = await freePort();
  const server = startProcess(bin('next'), [...args, '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: app,
    env: { ...env, OUTBOUNDSYNC_BASE_URL: double.url, ...extraEnv },
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForServer(url, server.child);
    await use(url, server);
  } catch (err) {
    err.message += `\nnext ${args[0]} said:\n${server.output()}`;
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

async function assertResults(url) {
  for (const path of PATHS) {
    const { status, body } = await getJson(`${url}${path}`);
    assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
    if (path.startsWith('/health/')) {
      assert.deepEqual(body, { ok: true, connections: 3 });
      continue;
    }
    assert.deepEqual(body.account, { id: 42, email: 'you@company.com' }, path);
    assert.deepEqual(body.apiKey, { name: 'Production', scopes: ['read'], connectionScope: 'account' }, path);
    assert.deepEqual(body.connections.map((c) => c.id), [7, 8, 9], path);
  }
}

async function assertRejected(url) {
  for (const path of PATHS) {
    const { status, body } = await getJson(`${url}${path}`);
    assert.equal(status, 500, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.error.name, 'OutboundSyncAuthenticationError', path);
    assert.equal(body.error.code, 'unauthorized', path);
    assert.match(body.error.message, /^OutboundSync rejected the API key \(HTTP 401/, path);
    assert.match(body.error.requestId, /^req_double_\d+$/, path);
    assert.ok(!JSON.stringify(body).includes(BAD), `${path}: the key is in the answer`);
  }
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The client page's server render preloads the .wasm its bundle fetches, and Chromium downloads
 * it once, through that link, before the page's call gets its result. */
async function assertClientPagePreloads(url) {
  const html = await (await fetch(`${url}/preload`)).text();
  const links = [...html.matchAll(/<link rel="preload" href="([^"]+\.wasm)"([^>]*)>/g)];
  assert.equal(links.length, 1, html.slice(0, 2000));
  const [, href, rest] = links[0];
  assert.match(href, /^\/_next\/static\/media\/outboundsync_browser_bg\.[\w-]+\.wasm$/);
  assert.match(rest, /as="fetch"/);
  assert.match(rest, /crossorigin=""/);
  assert.equal((await fetch(`${url}${href}`)).status, 200);
  await withBrowser('chromium', async (driver) => {
    const ids = await probe(driver, `${url}/preload`, { good: GOOD, baseUrl: double.url });
    assert.deepEqual(ids, [7, 8, 9]);
    const downloads = await driver.executeScript("return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).map((e) => [new URL(e.name).pathname, e.initiatorType])");
    assert.deepEqual(downloads, [[href, 'link']]);
  });
}

for (const [bundler, args] of [['Turbopack', []], ['webpack', ['--webpack']]]) {
  test(`Next.js built with ${bundler}, under next start from .next alone: Node.js route, proxy, edge route`, async () => {
    const app = copyApp(bundler.toLowerCase());
    await run(bin('next'), ['build', ...args], { cwd: app, env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });

    // Only the edge route may be an edge function (the one way here to the edge-light entry);
    // the other route and proxy.js must be on Node.js, the runtime this example is about.
    const server = join(app, '.next', 'server');
    const edge = readJson(join(server, 'middleware-manifest.json'));
    assert.deepEqual(Object.keys(edge.functions), ['/api/outboundsync/edge/route'], 'the edge functions');
    assert.deepEqual(edge.middleware, {}, 'proxy.js is on the edge');
    assert.equal(readJson(join(server, 'functions-config-manifest.json')).functions['/_middleware']?.runtime, 'nodejs');

    // What a deployment ships is .next: a bundle that still reads the package's folder fails.
    rmSync(join(app, 'node_modules', 'outboundsync'), { recursive: true });
    assert.throws(() => createRequire(join(app, 'package.json')).resolve('outboundsync'), { code: 'MODULE_NOT_FOUND' });

    await serve(app, ['start'], { OUTBOUNDSYNC_API_KEY: GOOD }, async (url) => {
      await assertResults(url);
      await assertClientPagePreloads(url);
    });
    await serve(app, ['start'], { OUTBOUNDSYNC_API_KEY: BAD }, assertRejected);
  });
}

test('Next.js under next dev (Turbopack): Node.js route, proxy, edge route', async () => {
  const app = copyApp('dev');
  // The key comes from .env.local, which next dev reloads when it changes: one server for both
  // keys, and proof that every route reads the key at request time.
  const envFile = join(app, '.env.local');
  writeFileSync(envFile, `OUTBOUNDSYNC_API_KEY=${GOOD}\n`);
  await serve(app, ['dev'], {}, async (url, server) => {
    await assertResults(url);
    writeFileSync(envFile, `OUTBOUNDSYNC_API_KEY=${BAD}\n`);
    for (const deadline = Date.now() + 60_000; !server.output().includes('Reload env: .env.local');) {
      assert.ok(Date.now() < deadline, 'next dev did not reload .env.local');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await assertRejected(url);
  });
});
