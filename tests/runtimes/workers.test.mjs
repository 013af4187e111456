// Cloudflare Workers: js-examples/worker.mjs bundled by wrangler itself, as users deploy it
// (`wrangler deploy --dry-run --outdir` writes what `wrangler deploy` would upload), then that
// bundle run in workerd through Miniflare against the local API double. It exercises the
// package's `workerd` entry, which imports the .wasm as a module. Then cacheTtlMs in workerd,
// where a fetch belongs to the request that started it: cache-worker.mjs, bundled the same way,
// against a loopback upstream the test starts, whose answers (held until the test releases
// them) and request counts it controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { ME, startDouble } from '../support/double.mjs';
import { until } from '../support/wait.mjs';
import { here, GOOD, BAD, project, useExampleProject, wranglerBundle, compatibilityDate } from './fixture.mjs';

useExampleProject();

/** Bundles `entry` (the example's Worker when absent) into `out`; returns `start(bindings)`,
 * which runs the bundle in workerd: a new Miniflare, one isolate, to dispose of. */
async function bundledWorker(out, entry, bindings) {
  const files = await wranglerBundle(project.dir, out, entry);
  const script = files.find((f) => f.endsWith('.js'));
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(script && wasm, `wrangler wrote ${files.join(', ')}: the .wasm must be its own module`);
  return (more) => new Miniflare({
    modules: true, modulesRoot: out, scriptPath: join(out, script), compatibilityDate: compatibilityDate(project.dir),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    bindings: { ...bindings, ...more },
  });
}

test('Cloudflare Workers: the wrangler bundle in workerd (Miniflare)', async () => {
  const worker = await bundledWorker(join(project.dir, 'dist-worker'), undefined, { OUTBOUNDSYNC_BASE_URL: project.double.url });
  for (const [key, status, check] of [
    [GOOD, 200, (body) => assert.deepEqual(body.map((c) => c.id), [7, 8, 9])],
    [BAD, 401, (body) => assert.deepEqual([body.error, body.code], ['OutboundSyncAuthenticationError', 'unauthorized'])],
  ]) {
    const mf = worker({ OUTBOUNDSYNC_API_KEY: key });
    try {
      // One isolate serves many requests: nothing a request leaves behind (a signal, a
      // promise) may hang the next one, which workerd binds to its own I/O context.
      for (let request = 1; request <= 3; request += 1) {
        const res = await mf.dispatchFetch('http://worker.test/');
        const text = await res.text(); // an uncaught exception in the Worker is a plain-text 500
        assert.equal(res.status, status, `request ${request}: ${text}`);
        check(JSON.parse(text));
      }
    } finally {
      await mf.dispose();
    }
  }
});

// cacheTtlMs in workerd. One Miniflare instance is one isolate, so its requests share the
// package's cache and its requests in flight; each scenario has its own key, so none sees
// another's cache. The Worker is bundled by wrangler like the example (about 3 s of this test;
// esbuild would save those but bundle it differently from how users deploy it).

/** The API double, scripted, answering once `upstream.hold` has resolved (settable, read when a
 * request arrives; none: at once): the
 * documented result (connections 7 and 8), a 401 for a key with "revoked" in it, a 429 with
 * `Retry-After: 120` for one with "limited". `arrived(key, n)` resolves once the key has sent n
 * requests (the last is then in flight: seen, not yet answered). */
async function startUpstream() {
  const upstream = { hold: undefined };
  const loopback = await startDouble({ answer: ({ key }) => {
    const { hold: after } = upstream;
    if (key.includes('limited')) {
      return { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': '120' }, after };
    }
    if (key.includes('revoked')) {
      return { status: 401, body: { statusCode: 401, message: 'Invalid API key', error: 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Bearer realm="OutboundSync API"' }, after };
    }
    return { after };
  } });
  return Object.assign(upstream, loopback, { arrived: (key, n) => until(() => loopback.count(key) >= n) });
}

const IDS = ME.connections.map((c) => c.id);

/** GET /?query from cache-worker.mjs: `{ status, body }`. Rejects, rather than hangs, when
 * the Worker has not answered within `withinMs`. */
async function ask(mf, query, withinMs = 15_000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Worker did not answer ${JSON.stringify(query)} within ${withinMs} ms`)), withinMs);
  });
  try {
    const res = await Promise.race([mf.dispatchFetch(`http://worker.test/?${new URLSearchParams(query)}`), timeout]);
    const text = await Promise.race([res.text(), timeout]);
    logs.push(text);
    assert.match(res.headers.get('content-type') ?? '', /json/, `an uncaught exception in the Worker (HTTP ${res.status}): ${text}`);
    return { status: res.status, body: JSON.parse(text) };
  } finally {
    clearTimeout(timer);
  }
}

const TTL = 60_000;
const logs = []; // every answer the cache Worker gave, logs included
const SHARED = '[outboundsync] sharing the request in flight for';
const LOST = 'stopped answering; sending a new one';
const ALIVE = 'is still running; waiting on it';
const has = (lines, text) => lines.some((line) => line.includes(text));

test('Cloudflare Workers: cacheTtlMs shares one request and its result across requests, in workerd (Miniflare)', { timeout: 180_000 }, async (t) => {
  copyFileSync(join(here, 'cache-worker.mjs'), join(project.dir, 'cache-worker.mjs'));
  const upstream = await startUpstream();
  let mf;
  try {
    const worker = await bundledWorker(join(project.dir, 'dist-cache-worker'), 'cache-worker.mjs', { OUTBOUNDSYNC_BASE_URL: upstream.url });
    mf = worker();

    await t.test('two concurrent requests share one fetch; a third within the TTL is a cache hit', async () => {
      const key = 'osapi_test_workerd_shared_0001';
      // The upstream holds its answer until the second request has checked the first's heartbeat
      // and found it beating (its log line, posted as it is written): the second must then keep
      // waiting on the first's request, not give it up.
      let release;
      upstream.hold = new Promise((resolve) => { release = resolve; });
      const alive = `the shared request for osapi_…0001 ${ALIVE}`;
      const [a, b] = await Promise.all([
        ask(mf, { key, ttl: TTL }, 60_000),
        upstream.arrived(key, 1).then(() => ask(mf, { key, ttl: TTL, notify: 1 }, 60_000)), // while the first's is in flight
        until(() => upstream.notes.some((note) => note.includes(alive)), 60_000, 'the sharing request checked the heartbeat').then(release),
      ]);
      upstream.hold = undefined;
      for (const [name, r] of [['first', a], ['second', b]]) {
        assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
        assert.deepEqual(r.body.ids, IDS, name);
      }
      assert.equal(upstream.count(key), 1, 'the two requests must share one upstream request');
      assert.ok(has(b.body.lines, `${SHARED} osapi_…0001`), `the second request's log:\n${b.body.lines.join('\n')}`);
      assert.ok(has(b.body.lines, alive), `the second request's log:\n${b.body.lines.join('\n')}`);
      assert.ok(!has(b.body.lines, LOST), `the second request gave up on a live request:\n${b.body.lines.join('\n')}`);
      assert.ok(!has(a.body.lines, SHARED), `the first request's log:\n${a.body.lines.join('\n')}`);

      const c = await ask(mf, { key, ttl: TTL });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.deepEqual(c.body.ids, IDS);
      assert.equal(upstream.count(key), 1, 'a call within the TTL must send no request');
      assert.ok(has(c.body.lines, '[outboundsync] cache hit for osapi_…0001'), `the third request's log:\n${c.body.lines.join('\n')}`);
    });

    await t.test('the request that started the fetch returns early: another sharing it still gets the result', { timeout: 30_000 }, async () => {
      const key = 'osapi_test_workerd_early_0002';
      // A starts the call and answers without awaiting it: workerd then cancels A's fetch
      // and the heartbeat timer it beats, and A's shared request never settles. Its upstream
      // answer is held for good; B's own request is answered at once.
      upstream.hold = new Promise(() => {});
      const a = await ask(mf, { key, ttl: TTL, early: 1 });
      assert.deepEqual([a.status, a.body], [200, { returnedEarly: true }]);
      await upstream.arrived(key, 1); // A's fetch reached the upstream: B finds it in flight
      upstream.hold = undefined;
      const b = await ask(mf, { key, ttl: TTL });
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.deepEqual(b.body.ids, IDS);
      const log = `B's log:\n${b.body.lines.join('\n')}`;
      assert.ok(has(b.body.lines, `${SHARED} osapi_…0002`), log);
      assert.ok(has(b.body.lines, `[outboundsync] the shared request for osapi_…0002 ${LOST}`), log);
      assert.equal(upstream.count(key), 2, "A's cancelled request and B's own");
    });

    await t.test('a key that gets a 401 is not cached: the next call sends a request again', async () => {
      const key = 'osapi_test_workerd_revoked_0003';
      for (const call of [1, 2]) {
        const r = await ask(mf, { key, ttl: TTL });
        assert.equal(r.status, 401, `call ${call}: ${JSON.stringify(r.body)}`);
        assert.deepEqual([r.body.error, r.body.code], ['OutboundSyncAuthenticationError', 'unauthorized'], `call ${call}`);
        assert.ok(!has(r.body.lines, 'cache hit'), `call ${call}'s log:\n${r.body.lines.join('\n')}`);
        assert.equal(upstream.count(key), call, `call ${call}`);
      }
    });

    await t.test('after a 429 with Retry-After, later requests are held back without a request', async () => {
      const key = 'osapi_test_workerd_limited_0004';
      const first = await ask(mf, { key, ttl: TTL });
      assert.deepEqual([first.status, first.body.code], [502, 'rate_limited']);
      const held = await ask(mf, { key, ttl: TTL });
      assert.deepEqual([held.status, held.body.code], [502, 'rate_limited']);
      assert.match(held.body.message, /no request was sent/);
      assert.ok(has(held.body.lines, 'rate limited for osapi_…0004'), held.body.lines.join('\n'));
      assert.equal(upstream.count(key), 1, 'a held-back request reached the upstream');
    });

    // Every line any of these requests logged, at debug: the keys appear by their hint only.
    const keys = ['shared_0001', 'early_0002', 'revoked_0003', 'limited_0004'].map((k) => `osapi_test_workerd_${k}`);
    const logged = logs.join('\n');
    assert.ok(logged.length > 0 && keys.every((key) => !logged.includes(key)), logged);
  } finally {
    await mf?.dispose();
    await upstream.stop();
  }
});

test('Cloudflare Workers: two Workers bound to one KV namespace as cacheStore send one request between them', { timeout: 120_000 }, async () => {
  copyFileSync(join(here, 'cache-worker.mjs'), join(project.dir, 'cache-worker.mjs'));
  const upstream = await startUpstream();
  let mf;
  try {
    const out = join(project.dir, 'dist-kv-worker');
    const files = await wranglerBundle(project.dir, out, 'cache-worker.mjs');
    // Two Workers, each its own isolate and module instance, with one KV namespace bound to both.
    const worker = (name) => ({
      name, modules: true, modulesRoot: out, scriptPath: join(out, files.find((f) => f.endsWith('.js'))), compatibilityDate: compatibilityDate(project.dir),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      bindings: { OUTBOUNDSYNC_BASE_URL: upstream.url }, kvNamespaces: { CACHE: 'outboundsync-cache' },
    });
    mf = new Miniflare({ workers: [worker('a'), worker('b')] });
    const [a, b] = await Promise.all(['a', 'b'].map(async (name) => {
      const w = await mf.getWorker(name);
      return { dispatchFetch: (url) => w.fetch(url) };
    }));
    const key = 'osapi_test_workerd_kv_0005';
    // 5 s: below KV's 60 s minimum expirationTtl, which the package raises it to (KV refuses less).
    const query = { key, ttl: 5_000, kv: 1 };
    const first = await ask(a, query);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.ids, IDS);
    const second = await ask(b, query);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(second.body.ids, IDS);
    assert.equal(upstream.count(key), 1, `Worker b sent a request instead of reading KV; its log:\n${second.body.lines.join('\n')}`);
    assert.ok(has(second.body.lines, '[outboundsync] cacheStore hit for osapi_…0005'), second.body.lines.join('\n'));
    assert.ok(!has([...first.body.lines, ...second.body.lines], 'cacheStore threw'), first.body.lines.join('\n'));
    const kv = await mf.getKVNamespace('CACHE', 'a');
    const { keys } = await kv.list();
    assert.deepEqual(keys.map((k) => k.name.slice(0, 16)), ['outboundsync:v1:']);
    assert.ok(!keys[0].name.includes(key.slice(0, 8)));
    assert.ok(keys[0].expiration > Date.now() / 1000 + 55, `expires at ${keys[0].expiration}`);
  } finally {
    await mf?.dispose();
    await upstream.stop();
  }
});
