// cacheStore through Redis, as fleets run it: Debian's redis-server started by the test on a
// loopback port, reached with keyv and @keyv/redis. Instances are Node processes of their own
// (store-process.mjs) or, where the test must hold the store while calls run, this one. The raw
// clients users reach for (ioredis, node-redis v4 and v6) are refused with an adapter that works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import Redis from 'ioredis';
import { createClient as createClient6 } from 'redis';
import { createClient as createClient4 } from 'redis4';
import { createStorage } from 'unstorage';
import redisDriver from 'unstorage/drivers/redis';
import * as api from '../../pkg/node.mjs';
import { startDouble, ME } from '../support/double.mjs';
import { sleep, until } from '../support/wait.mjs';
import { recorder } from '../support/recorder.mjs';
import { startRedis, storeKey, storedValue } from '../support/stores.mjs';

const run = promisify(execFile);
const processScript = fileURLToPath(new URL('../support/store-process.mjs', import.meta.url));
let redis;
let upstream;
const revoked = new Set();
before(async () => {
  redis = await startRedis();
  // A key with "limited" in it gets a 429 with Retry-After: 30, a revoked key a 401; "slow" keys
  // take 300 ms, others 50 ms.
  upstream = await startDouble({ answer: ({ key }) => {
    if (key.includes('limited')) return { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': '30' } };
    if (revoked.has(key)) return { status: 401, body: { statusCode: 401, message: 'Unauthorized' } };
    return { delayMs: key.includes('slow') ? 300 : 50 };
  } });
});
after(async () => {
  await upstream?.stop();
  await redis?.kill();
});

let keys = 0;
const freshKey = (kind = 'key') => `osapi_test_redis_${kind}_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;
const used = [];
const ids = (connections) => connections.map((c) => c.id);

/** One instance in a process of its own: `calls` concurrent calls with `apiKey`. */
async function instance(apiKey, calls, more = {}) {
  used.push(apiKey);
  const env = { ...process.env, BASE_URL: upstream.url, REDIS_URL: redis.url, API_KEY: apiKey, CALLS: String(calls), ...more };
  const { stdout } = await run(process.execPath, [processScript], { env, timeout: 60_000 });
  return JSON.parse(stdout);
}

/** `n` instances in processes of their own, started together once all are connected to Redis. */
async function together(n, apiKey, more = {}) {
  used.push(apiKey);
  const env = { ...process.env, BASE_URL: upstream.url, REDIS_URL: redis.url, API_KEY: apiKey, READY: '1', ...more };
  const children = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [processScript], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    child.out = '';
    child.stdout.on('data', (chunk) => { child.out += chunk; });
    child.exited = once(child, 'exit');
    return child;
  });
  await until(() => children.every((child) => child.out.startsWith('ready\n')), 30_000);
  for (const child of children) child.stdin.write('go\n');
  await Promise.all(children.map((child) => child.exited));
  return children.map((child) => JSON.parse(child.out.slice('ready\n'.length)));
}

function keyvOn(url) {
  const keyv = new Keyv(new KeyvRedis(url));
  keyv.on('error', () => {});
  return keyv;
}

/** The PTTL of the result a call wrote under `key`, once it is there (writes leave the caller's path). */
async function resultTtl(client, key) {
  await until(async () => /\nresult /.test(String(await client.get(key))), 30_000, `a result under ${key}`);
  return client.pttl(key);
}

test('two Node processes, 50 concurrent calls each: the API sees one request', async () => {
  const apiKey = freshKey();
  const first = await instance(apiKey, 50);
  const second = await instance(apiKey, 50);
  for (const { results } of [first, second]) {
    assert.equal(results.length, 50);
    for (const r of results) assert.deepEqual(r, { ids: [7, 8] });
  }
  assert.equal(upstream.count(apiKey), 1, 'the second process sent a request instead of reading Redis');
});

test('8 processes started together, 20 calls each, a 300 ms API: one request (the others wait for its result)', { timeout: 60_000 }, async () => {
  const apiKey = freshKey('slow');
  const outputs = await together(8, apiKey, { CALLS: '20' });
  for (const { results } of outputs) for (const r of results) assert.deepEqual(r, { ids: [7, 8] });
  assert.equal(upstream.count(apiKey), 1);
});

test('a busy fleet: 8 processes at 20 calls a second each for 8 s, a 2 s TTL: about one request per window, no failed call', { timeout: 60_000 }, async () => {
  const apiKey = freshKey();
  const outputs = await together(8, apiKey, { MODE: 'busy', RATE: '20', DURATION_MS: '8000', TTL: '2000' });
  const ok = outputs.reduce((sum, o) => sum + o.ok, 0);
  assert.equal(outputs.reduce((sum, o) => sum + o.failed, 0), 0);
  assert.ok(ok > 8 * 20 * 4, `${ok} calls`);
  // 8 s of 2 s windows: 4 windows, 5 if the first result lands late in one. Without the early
  // refresh every busy instance misses at the shared expiry (about 8 a window).
  const requests = upstream.count(apiKey);
  assert.ok(requests <= 8, `${requests} requests for ${ok} calls`);
});

test('process A gets a 429 with Retry-After: 30 and waits it out; process B, started once the 429 arrived, fails at once and sends nothing', { timeout: 60_000 }, async () => {
  const apiKey = freshKey('limited');
  used.push(apiKey);
  // A retries (the default, written out: with maxRetries 0 it would fail at once, not wait).
  const env = { ...process.env, BASE_URL: upstream.url, REDIS_URL: redis.url, API_KEY: apiKey, CALLS: '3', MAX_RETRIES: '2' };
  const a = spawn(process.execPath, [processScript], { env, stdio: 'ignore' });
  try {
    await until(() => upstream.count(apiKey) === 1, 30_000);
    const keyv = keyvOn(redis.url);
    try {
      await until(async () => /\nrate_limited \d{13}/.test(String(await keyv.get(storeKey(upstream.url, apiKey)))));
    } finally {
      await keyv.disconnect();
    }
    const b = await instance(apiKey, 5);
    for (const r of b.results) {
      assert.deepEqual([r.error, r.code, r.attempts, r.rateLimitClass], ['OutboundSyncRateLimitError', 'rate_limited', 0, true]);
      assert.ok(r.retryAfter > 0 && r.retryAfter <= 30, String(r.retryAfter));
    }
    assert.equal(upstream.count(apiKey), 1, 'process B sent a request inside the window, or A did not wait');
    // A is still inside its 30 s wait: neither exited (given up, crashed) nor sent again.
    assert.deepEqual([a.exitCode, a.signalCode], [null, null], 'process A stopped instead of waiting out the window');
  } finally {
    a.kill('SIGKILL');
  }
});

test('a late write after a revocation: a result whose request was sent before the 401 is never served', async () => {
  const apiKey = freshKey();
  const keyv = keyvOn(redis.url);
  try {
    const sentBefore = Date.now() - 1; // a request another instance has in flight
    revoked.add(apiKey);
    const first = await instance(apiKey, 1);
    assert.equal(first.results[0].code, 'unauthorized');
    const k = storeKey(upstream.url, apiKey);
    assert.match(await keyv.get(`${k}:revoked`), /\nrevoked \d{13}$/);
    // That instance's result lands after the revocation.
    await keyv.set(k, storedValue(upstream.url, apiKey, { at: Date.now(), took: Date.now() - sentBefore, body: JSON.stringify(ME) }));
    const second = await instance(apiKey, 3);
    for (const r of second.results) assert.equal(r.code, 'unauthorized');
    assert.equal(upstream.count(apiKey), 2, 'the late result was served');
  } finally {
    await keyv.disconnect();
  }
});

test("a value copied from another key's entry is ignored, warned about and replaced", async () => {
  const [apiKey, other] = [freshKey(), freshKey()];
  used.push(apiKey, other);
  const keyv = keyvOn(redis.url);
  const lines = recorder();
  try {
    const evil = JSON.stringify({ ...ME, connections: [{ ...ME.connections[0], id: 666 }] });
    const k = storeKey(upstream.url, apiKey);
    await keyv.set(k, storedValue(upstream.url, other, { body: evil }));
    const got = await api.getOutboundSyncConnections({ apiKey, baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore: keyv, logLevel: 'warn', logger: lines.logger });
    assert.deepEqual(ids(got), [7, 8]);
    assert.equal(upstream.count(apiKey), 1);
    assert.ok(lines.at('warn').some((l) => l.includes('is not a valid result')), lines.text());
    await until(async () => /\nresult \d{13} \d+\n\{"account":\{"id":42/.test(String(await keyv.get(k))));
  } finally {
    await keyv.disconnect();
  }
});

test('a tampered value in Redis is ignored and replaced', async () => {
  const apiKey = freshKey();
  used.push(apiKey);
  const keyv = keyvOn(redis.url);
  try {
    const k = storeKey(upstream.url, apiKey);
    await keyv.set(k, storedValue(upstream.url, apiKey, { body: '{"account":{"id":1},"apiKey":{"name":"x","scopes":[],"connectionScope":"everyone"},"connections":[]}' }));
    const { results } = await instance(apiKey, 3);
    for (const r of results) assert.deepEqual(r, { ids: [7, 8] });
    assert.equal(upstream.count(apiKey), 1);
    assert.match(await keyv.get(k), /\nresult \d{13} \d+\n\{"account":\{"id":42/);
  } finally {
    await keyv.disconnect();
  }
});

test('Redis stopped (SIGSTOP): one timeout, then the store is skipped for the back-off; every call succeeds, one warning', { timeout: 60_000 }, async () => {
  const own = await startRedis();
  const keyv = keyvOn(own.url);
  let gets = 0;
  // Keyv as users pass it, with its get counted.
  const cacheStore = new Proxy(keyv, { get: (target, name) => (name === 'get' ? (...args) => { gets += 1; return target.get(...args); } : Reflect.get(target, name)) });
  const lines = recorder();
  try {
    await keyv.set('outboundsync:warm-up', '1');
    own.pause();
    for (let i = 0; i < 6; i += 1) {
      const got = await api.getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore, logger: lines.logger });
      assert.deepEqual(ids(got), [7, 8], `call ${i + 1}`);
    }
    assert.equal(gets, 2, 'calls after the first waited on the stopped store (one read is two gets)');
    assert.equal(lines.at('warn').length, 1, lines.at('warn').join('\n'));
    assert.match(lines.at('warn')[0], /^\[outboundsync\] the cacheStore's get did not answer within 1000 ms, so calls go to the API without the store for 30 seconds, then try it once/);
    assert.doesNotMatch(lines.text(), new RegExp(`${own.port}|127\\.0\\.0\\.1|redis|ECONN`, 'i'));
  } finally {
    await own.kill();
    keyv.store.client.destroy?.();
  }
});

test('Redis killed mid-run: every call keeps succeeding, with at most one warning per operation and no error text', { timeout: 60_000 }, async () => {
  const own = await startRedis();
  const keyv = keyvOn(own.url);
  const lines = recorder();
  // A TTL shorter than the pause between calls: every call reaches the store.
  const options = { apiKey: freshKey(), baseUrl: upstream.url, cacheTtlMs: 20, cacheStore: keyv, logger: lines.logger };
  try {
    for (let i = 0; i < 12; i += 1) {
      if (i === 4) await own.kill();
      assert.deepEqual(ids(await api.getOutboundSyncConnections(options)), [7, 8], `call ${i + 1}`);
      await sleep(25);
    }
    assert.ok(lines.at('warn').length >= 1 && lines.at('warn').length <= 2, lines.at('warn').join('\n'));
    for (const line of lines.at('warn')) assert.match(line, /the cacheStore's (get|set) (threw or rejected|did not answer within 1000 ms), so calls go to the API without the store/);
    assert.doesNotMatch(lines.text(), new RegExp(`${own.port}|127\\.0\\.0\\.1|redis|ECONN`, 'i'));
  } finally {
    await own.kill();
    keyv.store.client.destroy(); // disconnect() would wait for a Redis that is gone
  }
});

test('raw ioredis and node-redis (v4, v6) clients are refused with the adapter, and the adapter writes entries that expire', async () => {
  const ioredis = new Redis(redis.url, { lazyConnect: true });
  const v4 = createClient4({ url: redis.url });
  const v6 = createClient6({ url: redis.url });
  await Promise.all([ioredis.connect(), v4.connect(), v6.connect()]);
  try {
    const cases = [
      [ioredis, /got an ioredis client.*\{ get: \(k\) => redis\.get\(k\), set: \(k, v, ttlMs\) => redis\.set\(k, v, 'PX', ttlMs\) \}/, { get: (k) => ioredis.get(k), set: (k, v, ttlMs) => ioredis.set(k, v, 'PX', ttlMs) }],
      [v4, /got a node-redis client.*\{ get: \(k\) => client\.get\(k\), set: \(k, v, ttlMs\) => client\.set\(k, v, \{ PX: ttlMs \}\) \}/, { get: (k) => v4.get(k), set: (k, v, ttlMs) => v4.set(k, v, { PX: ttlMs }) }],
      [v6, /got a node-redis client/, { get: (k) => v6.get(k), set: (k, v, ttlMs) => v6.set(k, v, { PX: ttlMs }) }],
    ];
    for (const [client, message, adapter] of cases) {
      const apiKey = freshKey();
      used.push(apiKey);
      const err = await api.getOutboundSyncConnections({ apiKey, baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore: client }).catch((e) => e);
      assert.equal(err.code, 'invalid_option', String(err));
      assert.match(err.message, message);
      assert.equal(upstream.count(apiKey), 0);
      assert.deepEqual(ids(await api.getOutboundSyncConnections({ apiKey, baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore: adapter })), [7, 8]);
      const k = storeKey(upstream.url, apiKey);
      const pttl = await resultTtl(ioredis, k);
      assert.ok(pttl > 0 && pttl <= 60_000, `PTTL ${pttl}: the entry never expires`);
    }
  } finally {
    await Promise.all([ioredis.quit(), v4.quit(), v6.quit()]);
  }
});

test("unstorage's redis driver, passed as it is, is given each entry's TTL (in seconds): what it writes expires", async () => {
  const storage = createStorage({ driver: redisDriver({ url: redis.url }) });
  const ioredis = new Redis(redis.url);
  try {
    const apiKey = freshKey();
    used.push(apiKey);
    const options = { apiKey, baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore: storage };
    assert.deepEqual(ids(await api.getOutboundSyncConnections(options)), [7, 8]);
    const k = storeKey(upstream.url, apiKey);
    const pttl = await resultTtl(ioredis, k);
    assert.ok(pttl > 0 && pttl <= 60_000, `PTTL ${pttl}: the entry never expires`);
  } finally {
    await storage.dispose();
    await ioredis.quit();
  }
});

test('no Redis key or value holds any API key, or any 8 characters or more of its start', async () => {
  const keyv = keyvOn(redis.url);
  try {
    // Its own entries, whatever other tests ran: a result, a 429's window, a revocation.
    const [good, limited, rejected] = [freshKey(), freshKey('limited'), freshKey()];
    revoked.add(rejected);
    used.push(good, limited, rejected);
    for (const apiKey of [good, limited, rejected]) {
      await api.getOutboundSyncConnections({ apiKey, baseUrl: upstream.url, cacheTtlMs: 60_000, cacheStore: keyv, maxRetries: 0 }).catch(() => {});
    }
    const client = await keyv.store.getClient();
    const mine = [good, limited].map((k) => storeKey(upstream.url, k)).concat(`${storeKey(upstream.url, rejected)}:revoked`);
    await until(async () => (await Promise.all(mine.map((k) => keyv.get(k)))).every((v) => v !== undefined));
    const redisKeys = (await client.keys('*')).filter((k) => k !== 'outboundsync:warm-up');
    assert.ok(redisKeys.length >= 3, `Redis holds ${redisKeys.join(', ')}`);
    const everything = [];
    for (const k of redisKeys) everything.push(k, String(await client.get(k)));
    const text = everything.join('\n');
    for (const key of used) {
      for (let n = 8; n <= key.length; n += 1) assert.ok(!text.includes(key.slice(0, n)), `Redis holds "${key.slice(0, n)}"`);
    }
    assert.ok(redisKeys.every((k) => k.includes('outboundsync:v2:')), redisKeys.join('\n'));
  } finally {
    await keyv.disconnect();
  }
});
