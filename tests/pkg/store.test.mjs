// cacheStore with a Map and with stores that fail, against the API double, scripted, which counts
// requests: two module instances in one process share one request through one Map; what is
// stored never holds the key; a value the package did not write is ignored and replaced; a
// store that throws, rejects or never answers is skipped (within its 1 s bound) with one
// warning until it works again; and the option is refused where it cannot work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDouble } from '../support/double.mjs';
import { recorder } from '../support/recorder.mjs';
import { storeKey } from '../support/stores.mjs';

const require = createRequire(import.meta.url);
const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));

/** A copy of the package in a folder of its own: a module instance (and wasm instance) of its own. */
function separateInstance() {
  const dir = mkdtempSync(join(tmpdir(), 'outboundsync-instance-'));
  cpSync(pkgDir, dir, { recursive: true });
  return require(join(dir, 'node.cjs'));
}

const [a, b] = [separateInstance(), separateInstance()];
let keys = 0;
const freshKey = () => `osapi_test_store_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;

test('two module instances sharing one Map: 50 concurrent calls each, one request between them', () =>
  withDouble({ answer: () => ({ delayMs: 30 }) }, async (up) => {
    const apiKey = freshKey();
    const cacheStore = new Map();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    const fifty = (api) => Promise.all(Array.from({ length: 50 }, () => api.getOutboundSyncConnections(options)));
    for (const results of [await fifty(a), await fifty(b)]) {
      for (const r of results) assert.deepEqual(r.map((c) => c.id), [7, 8]);
    }
    assert.equal(up.count(apiKey), 1, 'the second instance sent a request instead of reading the store');
    assert.deepEqual([...cacheStore.keys()], [storeKey(up.url, apiKey)]);

    // The control: without the store, the instances share nothing (they are separate).
    const alone = freshKey();
    await a.getOutboundSyncConnections({ apiKey: alone, baseUrl: up.url, cacheTtlMs: 60_000 });
    await b.getOutboundSyncConnections({ apiKey: alone, baseUrl: up.url, cacheTtlMs: 60_000 });
    assert.equal(up.count(alone), 2);
  }));

test('a memory hit does not touch the store; concurrent calls make one store read', () =>
  withDouble({ answer: () => ({ delayMs: 30 }) }, async (up) => {
    const map = new Map();
    const calls = { get: 0, set: 0 };
    const cacheStore = {
      get: async (k) => { calls.get += 1; return map.get(k); },
      set: async (k, v, ttl) => { calls.set += 1; assert.equal(ttl, 60_000); map.set(k, v); },
    };
    const options = { apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    await Promise.all(Array.from({ length: 20 }, () => a.getOutboundSyncConnections(options)));
    assert.deepEqual(calls, { get: 1, set: 1 });
    await a.getOutboundSyncMe(options);
    assert.deepEqual(calls, { get: 1, set: 1 }, 'a memory hit read the store');
    await Promise.all(Array.from({ length: 20 }, () => b.getOutboundSyncConnections(options)));
    assert.deepEqual(calls, { get: 2, set: 1 }, 'the other instance: one read, a hit, nothing written');
  }));

test('what is stored is the result and the end of a 429 window, under a digest: never the key', () => {
  const limited = new Set();
  return withDouble({ answer: ({ key }) => (limited.has(key) ? { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': '30' } } : {}) }, async (up) => {
    const cacheStore = new Map();
    const apiKey = freshKey();
    await a.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore });
    const [value] = cacheStore.values();
    const [head, body] = value.split('\n');
    assert.match(head, /^result \d{13}$/);
    assert.deepEqual(JSON.parse(body).connections.map((c) => c.id), [7, 8]);

    const limitedKey = freshKey();
    limited.add(limitedKey);
    const options = { apiKey: limitedKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, maxRetries: 0 };
    await assert.rejects(a.getOutboundSyncConnections(options), { code: 'rate_limited', retryAfter: 30 });
    const window = cacheStore.get(storeKey(up.url, limitedKey));
    assert.match(window, /^rate_limited \d{13}$/);
    assert.ok(Math.abs(Number(window.split(' ')[1]) - (Date.now() + 30_000)) < 2_000, window);
    const held = await b.getOutboundSyncConnections(options).catch((e) => e);
    assert.ok(held instanceof b.OutboundSyncRateLimitError, String(held));
    assert.deepEqual([held.code, held.attempts], ['rate_limited', 0]);
    assert.ok(held.retryAfter > 25 && held.retryAfter <= 30, String(held.retryAfter));
    assert.equal(up.count(limitedKey), 1, 'the other instance sent a request inside the window');

    const everything = JSON.stringify([...cacheStore]);
    for (const key of [apiKey, limitedKey]) {
      for (let n = 8; n <= key.length; n += 1) assert.ok(!everything.includes(key.slice(0, n)), `the store holds ${key.slice(0, n)}`);
    }
  });
});

test('a value the package did not write is ignored, never returned or thrown, and replaced', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const cacheStore = new Map();
    const evil = '{"account":{"id":1,"email":"evil@example.com"},"apiKey":{"name":"x","scopes":[],"connectionScope":"account"},"connections":[{"id":"666","crm":"X"}]}';
    const tampered = [
      `result ${Date.now()}\n${evil}`, // a field of the wrong kind
      `result ${Date.now()}\n<html>`,
      `result ${Date.now() + 3_600_000}\n${JSON.stringify({ ...JSON.parse(evil), connections: [] })}`, // stamped an hour ahead
      `rate_limited ${Date.now() + 86_400_000}`, // a day's window
      JSON.parse(evil), // not a string
      42,
    ];
    for (const value of tampered) {
      const apiKey = freshKey(); // a key per value: nothing comes from the memory cache
      const k = storeKey(up.url, apiKey);
      cacheStore.set(k, value);
      const log = recorder();
      const ids = await b.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logLevel: 'warn', logger: log.logger }).then((r) => r.map((c) => c.id));
      assert.deepEqual(ids, [7, 8], `served ${JSON.stringify(value)}`);
      assert.equal(up.count(apiKey), 1);
      assert.match(cacheStore.get(k), /^result \d{13}\n\{"account"/, 'not replaced');
      if (typeof value === 'string') assert.ok(log.at('warn').some((l) => l.includes('is not a valid result; it is ignored and replaced')), log.text());
    }
    // And a valid value is served: the test above is not passing because nothing is ever read.
    const apiKey = freshKey();
    cacheStore.set(storeKey(up.url, apiKey), `result ${Date.now()}\n${evil.replace('"666"', '666')}`);
    assert.deepEqual((await b.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore })).map((c) => c.id), [666]);
    assert.equal(up.count(apiKey), 0);
  }));

test('a store that throws, rejects or never answers is skipped: one warning, without its error, until it works again', { timeout: 30_000 }, () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const secret = 'redis://default:hunter2-password@10.0.0.1:6379';
    let mode = 'throw';
    const map = new Map();
    const act = (real) => {
      if (mode === 'throw') throw new Error(`connect ECONNREFUSED ${secret}`);
      if (mode === 'reject') return Promise.reject(new Error(`ECONNRESET ${secret}`));
      if (mode === 'hang') return new Promise(() => {});
      return real();
    };
    const cacheStore = { get: (k) => act(() => map.get(k)), put: (k, v, o) => act(() => map.set(k, [v, o])) };
    const log = recorder();
    // A separate instance: the warning is once per instance, whatever other tests did.
    const api = separateInstance();
    // logLevel 'off' (the default): the warning is written whatever the level.
    const call = (apiKey) => api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logger: log.logger });
    for (const m of ['throw', 'reject', 'hang']) {
      mode = m;
      const started = Date.now();
      const apiKey = freshKey();
      assert.deepEqual((await call(apiKey)).map((c) => c.id), [7, 8], m);
      assert.equal(up.count(apiKey), 1, m);
      if (m === 'hang') assert.ok(Date.now() - started < 5_000, `a store that never answers held the call ${Date.now() - started} ms`);
    }
    assert.equal(log.at('warn').length, 1, log.text());
    assert.match(log.at('warn')[0], /^\[outboundsync\] the cacheStore threw or rejected, so calls go to the API without it until it works again/);
    assert.ok(!log.text().includes('hunter2') && !log.text().includes('ECONN'), log.text());

    mode = 'work';
    const apiKey = freshKey();
    await call(apiKey);
    const [[value, { expirationTtl }]] = map.values();
    assert.equal(expirationTtl, 60, 'KV put gets its expirationTtl in seconds');
    assert.match(value, /^result /);
    mode = 'hang';
    await call(freshKey());
    assert.equal(log.at('warn').length, 2, 'no new warning after the store worked again');
    assert.match(log.at('warn')[1], /the cacheStore did not answer within 1000 ms/);
  }));

test('cacheStore needs cacheTtlMs above 0, and an object with get and set, or get and put', async () => {
  const apiKey = freshKey();
  const refused = async (options, pattern) => {
    const err = await a.getOutboundSyncConnections({ apiKey, baseUrl: 'http://127.0.0.1:9', ...options }).catch((e) => e);
    assert.ok(err instanceof a.OutboundSyncConfigError, String(err));
    assert.equal(err.code, 'invalid_option');
    assert.match(err.message, pattern);
  };
  await refused({ cacheStore: new Map() }, /cacheStore option needs cacheTtlMs above 0/);
  await refused({ cacheStore: new Map(), cacheTtlMs: 0 }, /cacheStore option needs cacheTtlMs above 0/);
  await refused({ cacheStore: { get() {} }, cacheTtlMs: 1 }, /cacheStore option must be an object with get\(key\) and set\(key, value, ttlMs\).*; got an object without a set or put method\.$/);
  await refused({ cacheStore: { set() {} }, cacheTtlMs: 1 }, /got an object without a get method\.$/);
  await refused({ cacheStore: 'redis://localhost', cacheTtlMs: 1 }, /got a string\.$/);
  await refused({ cachestore: new Map(), cacheTtlMs: 1 }, /did you mean cacheStore\?/);
});
