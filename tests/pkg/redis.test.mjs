// cacheStore through Redis, as fleets run it: Debian's redis-server started by the test on a
// loopback port, reached with keyv and @keyv/redis. Instances are Node processes of their own
// (store-process.mjs) or, where the test must hold the store while calls run, this one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import * as api from '../../pkg/node.mjs';
import { startDouble } from '../support/double.mjs';
import { recorder } from '../support/recorder.mjs';
import { startRedis, storeKey } from '../support/stores.mjs';
import { sleep } from '../support/wait.mjs';

const run = promisify(execFile);
const processScript = fileURLToPath(new URL('../support/store-process.mjs', import.meta.url));
let redis;
let upstream;
before(async () => {
  redis = await startRedis();
  // A key with "limited" in it gets a 429 with Retry-After: 30; others the documented result.
  upstream = await startDouble({ answer: ({ key }) => (key.includes('limited')
    ? { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': '30' } }
    : { delayMs: 50 }) });
});
after(async () => {
  await upstream?.stop();
  await redis?.kill();
});

let keys = 0;
const freshKey = (kind = 'key') => `osapi_test_redis_${kind}_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;

/** One instance in a process of its own: `calls` concurrent calls with `apiKey`. */
async function instance(apiKey, calls, more = {}) {
  const env = { ...process.env, BASE_URL: upstream.url, REDIS_URL: redis.url, API_KEY: apiKey, CALLS: String(calls), ...more };
  const { stdout } = await run(process.execPath, [processScript], { env, timeout: 30_000 });
  return JSON.parse(stdout);
}

function keyvOn(url) {
  const keyv = new Keyv(new KeyvRedis(url));
  keyv.on('error', () => {});
  return keyv;
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

test("process A gets a 429 with Retry-After: 30; process B then fails at once and sends nothing", async () => {
  const apiKey = freshKey('limited');
  const a = await instance(apiKey, 1, { MAX_RETRIES: '0' });
  assert.deepEqual(a.results, [{ error: 'OutboundSyncRateLimitError', code: 'rate_limited', attempts: 1, retryAfter: 30, rateLimitClass: true }]);
  const b = await instance(apiKey, 5);
  for (const r of b.results) {
    assert.deepEqual([r.error, r.code, r.attempts, r.rateLimitClass], ['OutboundSyncRateLimitError', 'rate_limited', 0, true]);
    assert.ok(r.retryAfter > 0 && r.retryAfter <= 30, String(r.retryAfter));
  }
  // Had B waited out the Retry-After instead, it would have sent a request after it.
  assert.equal(upstream.count(apiKey), 1, 'process B sent a request inside the window');
});

test('a tampered value in Redis is ignored and replaced', async () => {
  const apiKey = freshKey();
  const keyv = keyvOn(redis.url);
  try {
    const k = storeKey(upstream.url, apiKey);
    await keyv.set(k, `result ${Date.now()}\n{"account":{"id":1},"apiKey":{"name":"x","scopes":[],"connectionScope":"everyone"},"connections":[]}`);
    const { results } = await instance(apiKey, 3);
    for (const r of results) assert.deepEqual(r, { ids: [7, 8] });
    assert.equal(upstream.count(apiKey), 1);
    assert.match(await keyv.get(k), /^result \d{13}\n\{"account":\{"id":42/);
  } finally {
    await keyv.disconnect();
  }
});

test('Redis killed mid-run: every call keeps succeeding, with one warning and no error text', { timeout: 60_000 }, async () => {
  const own = await startRedis();
  const keyv = keyvOn(own.url);
  const log = recorder();
  const apiKey = freshKey();
  // A TTL shorter than the pause between calls: every call reaches the store.
  const options = { apiKey, baseUrl: upstream.url, cacheTtlMs: 20, cacheStore: keyv, logger: log.logger };
  try {
    const outcomes = [];
    for (let i = 0; i < 12; i += 1) {
      if (i === 4) await own.kill();
      outcomes.push(await api.getOutboundSyncConnections(options).then((c) => c.map((x) => x.id), (e) => `${e.name}: ${e.message}`));
      await sleep(25);
    }
    for (const [i, o] of outcomes.entries()) assert.deepEqual(o, [7, 8], `call ${i + 1}`);
    assert.equal(log.at('warn').length, 1, log.text());
    assert.match(log.at('warn')[0], /the cacheStore (threw or rejected|did not answer within 1000 ms), so calls go to the API without it/);
    assert.doesNotMatch(log.text(), new RegExp(`${own.port}|127\\.0\\.0\\.1|redis|ECONN`, 'i'));
  } finally {
    await own.kill();
    keyv.store.client.destroy(); // disconnect() would wait for a Redis that is gone
  }
});

test('no Redis key or value holds any API key, or any 8 characters or more of its start', async () => {
  // A Redis of its own, holding what this test writes: a result and a rate limit.
  const own = await startRedis();
  const keyv = keyvOn(own.url);
  try {
    const keys = [freshKey('clean'), freshKey('clean_limited')];
    for (const apiKey of keys) {
      const env = { ...process.env, BASE_URL: upstream.url, REDIS_URL: own.url, API_KEY: apiKey, CALLS: '2', MAX_RETRIES: '0' };
      await run(process.execPath, [processScript], { env, timeout: 30_000 });
    }
    const client = await keyv.store.getClient();
    const redisKeys = await client.keys('*');
    assert.equal(redisKeys.length, 2, `Redis holds ${redisKeys.join(', ')}`);
    const everything = [];
    for (const k of redisKeys) everything.push(k, String(await client.get(k)));
    const text = everything.join('\n');
    assert.match(text, /you@company\.com/, 'the result is not stored');
    assert.match(text, /rate_limited \d+/, 'the rate limit is not stored');
    for (const key of keys) {
      for (let n = 8; n <= key.length; n += 1) assert.ok(!text.includes(key.slice(0, n)), `Redis holds "${key.slice(0, n)}"`);
    }
    assert.ok(redisKeys.every((k) => k.includes('outboundsync:v1:')), redisKeys.join('\n'));
  } finally {
    await keyv.disconnect();
    await own.kill();
  }
});
