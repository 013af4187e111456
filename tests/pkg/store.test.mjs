// cacheStore in one process, against the API double, scripted, which counts requests: module
// instances of their own (copies of the package) sharing an LRUCache from lru-cache, driven with
// each entry's TTL; what is stored never holds the key and names the key it was written for; a
// value the package did not write, or wrote for another key, is ignored with a warning; a
// revocation outlives a late write; a 429 is shared at first sight; staleIfErrorMs; a store
// that throws, rejects or never answers is skipped for a back-off; stores used as their
// contract says, and a Map refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import Keyv from 'keyv';
import { createCache } from 'cache-manager';
import { createStorage } from 'unstorage';
import { withDouble, ME } from '../support/double.mjs';
import { until } from '../support/wait.mjs';
import { recorder } from '../support/recorder.mjs';
import { storeKey, storedValue } from '../support/stores.mjs';

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
const lru = () => new LRUCache({ max: 1000, ttlAutopurge: true });
const LIMITED = { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': '30' } };
const ids = (connections) => connections.map((c) => c.id);

test('two module instances sharing an LRUCache: 50 concurrent calls each, one request between them', () =>
  withDouble({ answer: () => ({ delayMs: 30 }) }, async (up) => {
    const apiKey = freshKey();
    const cacheStore = lru();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    const fifty = (api) => Promise.all(Array.from({ length: 50 }, () => api.getOutboundSyncConnections(options)));
    for (const results of [await fifty(a), await fifty(b)]) {
      for (const r of results) assert.deepEqual(ids(r), [7, 8]);
    }
    assert.equal(up.count(apiKey), 1, 'the second instance sent a request instead of reading the store');
    const k = storeKey(up.url, apiKey);
    assert.deepEqual([...cacheStore.keys()], [k]);
    const ttl = cacheStore.getRemainingTTL(k);
    assert.ok(ttl > 0 && ttl <= 60_000, `lru-cache was not given the TTL: ${ttl}`);

    // The control: without the store, the instances share nothing (they are separate).
    const alone = freshKey();
    await a.getOutboundSyncConnections({ apiKey: alone, baseUrl: up.url, cacheTtlMs: 60_000 });
    await b.getOutboundSyncConnections({ apiKey: alone, baseUrl: up.url, cacheTtlMs: 60_000 });
    assert.equal(up.count(alone), 2);
  }));

test('an instance that misses while another fetches waits for its result: one request', () => {
  // The answer is held until the second instance has said it waits, however slow the machine.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  return withDouble({ answer: () => ({ after: held }) }, async (up) => {
    const apiKey = freshKey();
    const cacheStore = lru();
    const lines = recorder();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    const first = a.getOutboundSyncConnections(options);
    await until(() => up.count(apiKey) === 1 && String(cacheStore.get(storeKey(up.url, apiKey))).includes('\nrefreshing '));
    const second = b.getOutboundSyncConnections({ ...options, logLevel: 'info', logger: lines.logger });
    await until(() => lines.at('info').some((l) => l.includes('another instance is fetching the result')), 30_000, 'the second instance waiting');
    release();
    assert.deepEqual([ids(await first), ids(await second)], [[7, 8], [7, 8]]);
    assert.equal(up.count(apiKey), 1, 'the second instance sent its own request');
    assert.ok(lines.at('info').some((l) => l.includes('another instance is fetching the result')), lines.text());
  });
});

test('a memory hit does not touch the store; concurrent calls share the store reads (the value and the revocation at once)', () =>
  withDouble({ answer: () => ({ delayMs: 30 }) }, async (up) => {
    const map = new Map();
    const calls = { get: [], set: 0 };
    const cacheStore = {
      get: async (k) => { calls.get.push(k); return map.get(k); },
      set: async (k, v, ttl) => { calls.set += 1; assert.ok(ttl > 0 && ttl <= 60_000, String(ttl)); map.set(k, v); },
    };
    const apiKey = freshKey();
    const k = storeKey(up.url, apiKey);
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    await Promise.all(Array.from({ length: 20 }, () => a.getOutboundSyncConnections(options)));
    // Read, leave a marker, read it back (instances missing together: the last marker wins).
    assert.deepEqual(calls.get, [k, `${k}:revoked`, k, `${k}:revoked`]);
    await until(() => calls.set === 2); // the marker, then the result (after the callers had it)
    assert.match(map.get(k), /\nresult \d{13} \d+\n\{"account"/);
    await a.getOutboundSyncMe(options);
    assert.equal(calls.get.length, 4, 'a memory hit read the store');
    await Promise.all(Array.from({ length: 20 }, () => b.getOutboundSyncConnections(options)));
    assert.equal(calls.get.length, 6, 'the other instance: one read of both keys');
    assert.equal(calls.set, 2, 'a store hit writes nothing');
    assert.equal(up.count(apiKey), 1);
  }));

test('what is stored names the digest it was written for, never the key', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const cacheStore = lru();
    const apiKey = freshKey();
    await a.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore });
    await until(() => /\nresult /.test(String(cacheStore.get(storeKey(up.url, apiKey)))));
    const value = cacheStore.get(storeKey(up.url, apiKey));
    const [head, stamps, body] = value.split('\n');
    assert.equal(head, `outboundsync ${storeKey(up.url, apiKey).slice('outboundsync:v2:'.length)}`);
    assert.match(stamps, /^result \d{13} \d+$/);
    assert.deepEqual(ids(JSON.parse(body).connections), [7, 8]);
    const everything = JSON.stringify([...cacheStore.entries()]);
    for (let n = 8; n <= apiKey.length; n += 1) assert.ok(!everything.includes(apiKey.slice(0, n)), `the store holds ${apiKey.slice(0, n)}`);
  }));

test('a value the package did not write, or wrote for another key, is ignored with a warning, never returned, and replaced', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const cacheStore = lru();
    const evil = '{"account":{"id":1,"email":"evil@example.com"},"apiKey":{"name":"x","scopes":[],"connectionScope":"account"},"connections":[{"id":666,"crm":"X"}]}';
    const other = freshKey();
    const tampered = (apiKey) => [
      storedValue(up.url, apiKey, { body: evil.replace('666', '"666"') }), // a field of the wrong kind
      storedValue(up.url, apiKey, { body: '<html>' }),
      storedValue(up.url, apiKey, { at: Date.now() + 3_600_000, body: evil }), // stamped an hour ahead
      storedValue(up.url, apiKey, { rateLimitedUntil: Date.now() + 86_400_000 }), // a day's window
      storedValue(up.url, other, { body: evil }), // key B's value copied under key A
      `result ${Date.now()} 1\n${evil}`, // no digest line
      Buffer.from(storedValue(up.url, apiKey, { body: evil })), // not a string (a getRaw adapter, node-redis in buffer mode)
      JSON.parse(evil),
      42,
    ];
    for (const index of tampered('x').keys()) {
      const apiKey = freshKey(); // a key per value: nothing comes from the memory cache
      const value = tampered(apiKey)[index];
      const k = storeKey(up.url, apiKey);
      cacheStore.set(k, value);
      const lines = recorder();
      const got = await b.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logLevel: 'warn', logger: lines.logger });
      assert.deepEqual(ids(got), [7, 8], `served value ${index}`);
      assert.equal(up.count(apiKey), 1);
      assert.ok(lines.at('warn').some((l) => l.includes('is not a valid result') && l.includes('ignored and replaced')), `value ${index}: ${lines.text()}`);
      await until(() => /\nresult \d{13} \d+\n\{"account":\{"id":42/.test(String(cacheStore.get(k))));
    }
    // And a valid value is served: the test above is not passing because nothing is ever read.
    const apiKey = freshKey();
    cacheStore.set(storeKey(up.url, apiKey), storedValue(up.url, apiKey, { body: evil }));
    assert.deepEqual(ids(await b.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore })), [666]);
    assert.equal(up.count(apiKey), 0);
  }));

test('after a 401, a result whose request was sent before it is never served, even when written after it', () => {
  let revoked = false;
  return withDouble({ answer: () => (revoked ? { status: 401, body: { statusCode: 401, message: 'Unauthorized' } } : { delayMs: 20 }) }, async (up) => {
    const cacheStore = lru();
    const apiKey = freshKey();
    const k = storeKey(up.url, apiKey);
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    const sentBefore = Date.now() - 1; // a request in flight in another instance
    revoked = true;
    await assert.rejects(a.getOutboundSyncConnections(options), { code: 'unauthorized' });
    await until(() => cacheStore.has(`${k}:revoked`));
    assert.match(cacheStore.get(`${k}:revoked`), new RegExp(`^outboundsync ${k.slice(16)}\\nrevoked \\d{13}$`));
    // The late write: that instance's result lands after the revocation.
    cacheStore.set(k, storedValue(up.url, apiKey, { at: Date.now() + 5, took: Date.now() + 5 - sentBefore, body: JSON.stringify(ME) }));
    await assert.rejects(b.getOutboundSyncConnections(options), { code: 'unauthorized' });
    assert.equal(up.count(apiKey), 2, 'the late result was served instead of asking the API');
    // A result fetched after the revocation (the key works again) is served.
    revoked = false;
    assert.deepEqual(ids(await b.getOutboundSyncConnections(options)), [7, 8]);
    await until(() => /\nresult /.test(String(cacheStore.get(k))));
    assert.deepEqual(ids(await a.getOutboundSyncConnections(options)), [7, 8]);
    assert.equal(up.count(apiKey), 3);
  });
});

test('a 429 is shared at first sight: joined calls and other instances fail at once while the starter waits out Retry-After', () =>
  withDouble({ answer: () => LIMITED }, async (up) => {
    const cacheStore = lru();
    const apiKey = freshKey();
    const k = storeKey(up.url, apiKey);
    const starter = new AbortController();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
    const first = a.getOutboundSyncConnections({ ...options, signal: starter.signal }).catch((e) => e);
    const joined = a.getOutboundSyncConnections(options).catch((e) => e);
    await until(() => /\nrate_limited \d{13}/.test(String(cacheStore.get(k))));
    const joinedError = await joined;
    assert.deepEqual([joinedError.code, joinedError.attempts], ['rate_limited', 0]);
    assert.ok(joinedError.retryAfter > 0 && joinedError.retryAfter <= 30, String(joinedError.retryAfter));
    const other = await b.getOutboundSyncConnections(options).catch((e) => e);
    assert.ok(other instanceof b.OutboundSyncRateLimitError, String(other));
    assert.deepEqual([other.code, other.attempts], ['rate_limited', 0]);
    assert.equal(up.count(apiKey), 1, 'a request was sent inside the window');
    starter.abort(); // the starter alone was waiting out the 30 s
    assert.equal((await first).code, 'aborted');
  }));

test('staleIfErrorMs: after a 5xx, a timeout, a 429 the last good result within the bound, with one warning; never after a 401', () => {
  let answer = { delayMs: 0 };
  return withDouble({ answer: () => answer }, async (up) => {
    const apiKey = freshKey();
    const cacheStore = lru();
    const lines = recorder();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 20, staleIfErrorMs: 60_000, maxRetries: 0, timeoutMs: 200, cacheStore, logLevel: 'warn', logger: lines.logger };
    assert.deepEqual(ids(await a.getOutboundSyncConnections(options)), [7, 8]);
    const expired = Date.now() + 25;
    await until(() => Date.now() > expired);
    for (const [name, failing] of [['server_error', { status: 503, body: 'down' }], ['timeout', { delayMs: 5_000 }], ['rate_limited', LIMITED]]) {
      answer = failing;
      const before = lines.at('warn').length;
      assert.deepEqual(ids(await a.getOutboundSyncConnections(options)), [7, 8], name);
      assert.equal(lines.at('warn').length, before + 1, lines.at('warn').join('\n'));
      assert.match(lines.at('warn').at(-1), new RegExp(`^\\[outboundsync\\] ${name} for osapi_…\\d{4}; serving the last good result, from \\d+ ms ago \\(staleIfErrorMs\\)$`));
    }
    // Without staleIfErrorMs, the same call fails; another instance gets the stale result from the store.
    await assert.rejects(a.getOutboundSyncConnections({ ...options, staleIfErrorMs: 0 }), { code: 'rate_limited' });
    assert.deepEqual(ids(await b.getOutboundSyncConnections(options)), [7, 8]);
    // A 401 drops it.
    answer = { delayMs: 0 };
    const revokedOptions = { ...options, apiKey: freshKey() };
    await a.getOutboundSyncConnections(revokedOptions);
    answer = { status: 401, body: { statusCode: 401, message: 'Unauthorized' } };
    const stamp = Date.now() + 25;
    await until(() => Date.now() > stamp);
    await assert.rejects(a.getOutboundSyncConnections(revokedOptions), { code: 'unauthorized' });
    answer = { status: 503, body: 'down' };
    await assert.rejects(a.getOutboundSyncConnections(revokedOptions), { code: 'server_error' });
  });
});

test('staleIfErrorMs is a whole number up to a day and needs cacheTtlMs above 0', async () => {
  const apiKey = freshKey();
  for (const [options, pattern] of [
    [{ staleIfErrorMs: 1000 }, /staleIfErrorMs option needs cacheTtlMs above 0/],
    [{ staleIfErrorMs: 1000, cacheTtlMs: 0 }, /staleIfErrorMs option needs cacheTtlMs above 0/],
    [{ staleIfErrorMs: 1.5, cacheTtlMs: 1 }, /staleIfErrorMs option must be a whole number of milliseconds from 0 to 86400000/],
    [{ staleIfErrorMs: 86_400_001, cacheTtlMs: 1 }, /from 0 to 86400000/],
    [{ staleIfErrorMs: '1000', cacheTtlMs: 1 }, /staleIfErrorMs/],
    [{ stale_if_error_ms: 1000, cacheTtlMs: 1 }, /did you mean staleIfErrorMs\?/],
  ]) {
    const err = await a.getOutboundSyncConnections({ apiKey, baseUrl: 'http://127.0.0.1:9', ...options }).catch((e) => e);
    assert.equal(err.code, 'invalid_option', String(err));
    assert.match(err.message, pattern);
  }
});

test('a store that throws, rejects or never answers is skipped for a back-off: one warning per operation, without its error', { timeout: 30_000 }, () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const secret = 'redis://default:hunter2-password@10.0.0.1:6379';
    let mode = 'throw';
    const map = new Map();
    const calls = { get: 0 };
    const act = (real) => {
      if (mode === 'throw') throw new Error(`connect ECONNREFUSED ${secret}`);
      if (mode === 'reject') return Promise.reject(new Error(`ECONNRESET ${secret}`));
      if (mode === 'hang') return new Promise(() => {});
      return real();
    };
    const cacheStore = { get: (k) => { calls.get += 1; return act(() => map.get(k)); }, put: (k, v, o) => act(() => map.set(k, [v, o])) };
    for (const m of ['throw', 'reject', 'hang']) {
      mode = m;
      calls.get = 0;
      const lines = recorder();
      // A separate instance: the back-off is per instance and store. logLevel unset: warned anyway.
      const api = separateInstance();
      const call = () => api.getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logger: lines.logger });
      for (let i = 0; i < 5; i += 1) assert.deepEqual(ids(await call()), [7, 8], m);
      assert.equal(calls.get, 2, `${m}: the store was called after it failed (one read is two gets)`);
      assert.equal(lines.at('warn').length, 1, lines.at('warn').join('\n'));
      const how = m === 'hang' ? 'did not answer within 1000 ms' : 'threw or rejected';
      assert.equal(lines.at('warn')[0], `[outboundsync] the cacheStore's get ${how}, so calls go to the API without the store for 30 seconds, then try it once (its error is not shown: it can hold a connection URL with a password)`);
      assert.ok(!lines.text().includes('hunter2') && !lines.text().includes('ECONN'), lines.text());
    }
    // A failing put is warned about on its own, and an explicit logLevel 'off' silences both.
    const quiet = recorder();
    const loud = recorder();
    mode = 'work';
    const failPut = { get: (k) => map.get(k), put: () => Promise.reject(new Error(secret)) };
    await separateInstance().getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore: failPut, logger: loud.logger });
    await until(() => loud.at('warn').length === 1);
    assert.match(loud.at('warn')[0], /the cacheStore's set threw or rejected/);
    await separateInstance().getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore: { ...failPut }, logger: quiet.logger, logLevel: 'off' });
    mode = 'throw';
    await separateInstance().getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logger: quiet.logger, logLevel: 'off' });
    assert.deepEqual(quiet.at('warn'), []);
  }));

test("KV's put gets whole seconds, no marker (one write per second per key), and its refusal of a second write is not a store failure", () =>
  withDouble({ answer: () => ({ delayMs: 50 }) }, async (up) => {
    const map = new Map();
    const lines = recorder();
    let puts = 0;
    let refused = 0;
    // KV allows one write per second per key: within this test's short life, that is one write
    // per key, so the fake refuses any second one however slow the machine is.
    const cacheStore = {
      get: async (k) => map.get(k)?.[0] ?? null,
      put: async (k, v, o) => {
        puts += 1;
        if (map.has(k)) {
          refused += 1;
          throw new Error('KV PUT failed: 429 Too Many Requests');
        }
        map.set(k, [v, o]);
      },
    };
    const apiKey = freshKey();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore, logger: lines.logger };
    // Two isolates missing together: each writes its result; KV refuses the second write.
    await Promise.all([separateInstance(), separateInstance()].map((api) => api.getOutboundSyncConnections(options)));
    await until(() => puts === 2);
    assert.equal(refused, 1, 'KV did not refuse the second write: the refusal was not exercised');
    const k = storeKey(up.url, apiKey);
    assert.match(map.get(k)[0], /\nresult \d{13} \d+\n\{"account"/, 'the result was not written (a marker took the write)');
    assert.deepEqual(map.get(k)[1], { expirationTtl: 60 });
    assert.deepEqual(lines.at('warn'), [], 'a refused KV write was warned about as a store failure');
    // And the store still works: another isolate reads the result.
    assert.deepEqual(ids(await separateInstance().getOutboundSyncConnections(options)), [7, 8]);
    assert.equal(up.count(apiKey), 2);
  }));

test('stores are used as their contract says: Keyv, cache-manager, unstorage with their TTLs; a Map is refused with the adapter', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const keyv = new Keyv();
    const cache = createCache();
    const storage = createStorage();
    const setItem = storage.setItem.bind(storage);
    const seen = [];
    storage.setItem = (k, v, opts) => { seen.push(opts); return setItem(k, v, opts); };
    for (const cacheStore of [keyv, cache, storage]) {
      const apiKey = freshKey();
      const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, cacheStore };
      assert.deepEqual(ids(await a.getOutboundSyncConnections(options)), [7, 8]);
      assert.deepEqual(ids(await b.getOutboundSyncConnections(options)), [7, 8]);
      assert.equal(up.count(apiKey), 1, `${cacheStore.constructor.name}: the second instance did not read the store`);
    }
    assert.ok(seen.length >= 1 && seen.every((o) => Number.isInteger(o.ttl) && o.ttl > 0 && o.ttl <= 60), JSON.stringify(seen));
    const err = await a.getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: up.url, cacheTtlMs: 60_000, cacheStore: new Map() }).catch((e) => e);
    assert.equal(err.code, 'invalid_option');
    assert.match(err.message, /^The cacheStore option got a Map, which keeps every entry until it is deleted.*new LRUCache\(\{ max: 1000, ttlAutopurge: true \}\)/);
  }));

test('cacheStore needs cacheTtlMs above 0, and an object with get and set, or get and put', async () => {
  const apiKey = freshKey();
  const refused = async (options, pattern) => {
    const err = await a.getOutboundSyncConnections({ apiKey, baseUrl: 'http://127.0.0.1:9', ...options }).catch((e) => e);
    assert.ok(err instanceof a.OutboundSyncConfigError, String(err));
    assert.equal(err.code, 'invalid_option');
    assert.match(err.message, pattern);
  };
  await refused({ cacheStore: lru() }, /cacheStore option needs cacheTtlMs above 0/);
  await refused({ cacheStore: lru(), cacheTtlMs: 0 }, /cacheStore option needs cacheTtlMs above 0/);
  await refused({ cacheStore: { get() {} }, cacheTtlMs: 1 }, /cacheStore option must be an object with get\(key\) and set\(key, value, ttlMs\).*; got an object without a set or put method\.$/);
  await refused({ cacheStore: { set() {} }, cacheTtlMs: 1 }, /got an object without a get method\.$/);
  // A property that is not a function is no method: refused now, not failing on the first call.
  await refused({ cacheStore: { get: 1, set() {} }, cacheTtlMs: 1 }, /got an object without a get method\.$/);
  await refused({ cacheStore: { get() {}, put: 'yes' }, cacheTtlMs: 1 }, /got an object without a set or put method\.$/);
  await refused({ cacheStore: 'redis://localhost', cacheTtlMs: 1 }, /got a string\.$/);
  await refused({ cachestore: lru(), cacheTtlMs: 1 }, /did you mean cacheStore\?/);
});
