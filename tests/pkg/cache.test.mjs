// cacheTtlMs from plain Node, against the API double, scripted, which counts requests: results reused
// within the TTL, one request shared by concurrent callers each with their own signal, a 429's
// Retry-After honoured without spending the limit, and nothing cached that should not be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../pkg/node.mjs';
import { withDouble } from '../support/double.mjs';
import { sleep, until } from '../support/wait.mjs';

// The cache lives in the module instance, so every test uses keys of its own.
let keys = 0;
const freshKey = () => `osapi_test_cache_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;

test('off by default: five sequential calls send five requests', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const apiKey = freshKey();
    for (let i = 0; i < 5; i += 1) await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url });
    assert.equal(up.count(apiKey), 5);
    for (let i = 0; i < 2; i += 1) await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 0 });
    assert.equal(up.count(apiKey), 7);
  }));

test('50 concurrent calls share one request; within the TTL none is sent; each caller gets its own objects', () =>
  withDouble({ answer: () => ({ delayMs: 50 }) }, async (up) => {
    const apiKey = freshKey();
    // A TTL no run of this test outlasts: what is checked here is the sharing, not the expiry.
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? api.getOutboundSyncMe(options) : api.getOutboundSyncConnections(options))));
    assert.equal(up.count(apiKey), 1);
    assert.deepEqual(results[1].connections.map((c) => c.id), [7, 8]);
    assert.deepEqual(results[0].map((c) => c.id), [7, 8]);
    results[0].push({ id: 99 });
    results[0][0].crm = 'CHANGED';
    results[1].connections.length = 0;
    const again = await api.getOutboundSyncConnections(options);
    assert.equal(up.count(apiKey), 1, 'a call within the TTL sent a request');
    assert.deepEqual(again.map((c) => [c.id, c.crm]), [[7, 'HUBSPOT'], [8, 'SALESFORCE']], 'one caller changed another\'s result');
    assert.deepEqual(results[2].map((c) => c.id), [7, 8]);

    const otherKey = freshKey();
    await api.getOutboundSyncConnections({ ...options, apiKey: otherKey });
    assert.equal(up.count(otherKey), 1, 'another key shares nothing');
    await api.getOutboundSyncConnections({ ...options, baseUrl: up.url.replace('127.0.0.1', 'localhost') });
    assert.equal(up.count(apiKey), 2, 'another base URL shares nothing');
  }));

test('once the TTL has passed, the next call sends a request', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const apiKey = freshKey();
    const TTL = 20;
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: TTL };
    await api.getOutboundSyncConnections(options);
    // The result was stored before the call resolved: however slow the runner, it is older
    // than the TTL once this wait is over.
    await sleep(TTL + 5);
    await api.getOutboundSyncConnections(options);
    assert.equal(up.count(apiKey), 2, 'a result older than its TTL was reused');
  }));

test("the TTL is each caller's own: a shorter one does not take a longer one's result", () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const apiKey = freshKey();
    await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000 });
    await sleep(30);
    await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 10 });
    assert.equal(up.count(apiKey), 2);
    await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000 });
    assert.equal(up.count(apiKey), 2);
  }));

test('aborting one waiting caller rejects it alone; aborting all of them cancels the request', () => {
  // Answers are held on events, not times: the shared request until its first caller has been
  // rejected; the lonely key's first request never (its callers abort it), its next at once.
  const [apiKey, lonely] = [freshKey(), freshKey()];
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let lonelyAsked = 0;
  const answer = ({ key }) => (key !== lonely ? { after: held } : lonelyAsked++ === 0 ? { after: new Promise(() => {}) } : {});
  return withDouble({ answer }, async (up) => {
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 1_000 };
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const calls = controllers.map((c) => api.getOutboundSyncConnections({ ...options, signal: c.signal }).then((r) => r.map((x) => x.id), (e) => e));
    await until(() => up.count(apiKey) === 1);
    controllers[0].abort();
    await calls[0];
    release();
    const [first, second, third] = await Promise.all(calls);
    assert.ok(first instanceof api.OutboundSyncAbortError, String(first));
    assert.equal(first.code, 'aborted');
    assert.deepEqual([second, third], [[7, 8], [7, 8]]);
    assert.equal(up.count(apiKey), 1);
    assert.equal(up.requests[0].cancelled, false);

    const all = [new AbortController(), new AbortController()];
    const waiting = all.map((c) => api.getOutboundSyncConnections({ ...options, apiKey: lonely, signal: c.signal }).catch((e) => e));
    await until(() => up.count(lonely) === 1);
    // That the request outlives one caller's abort while another waits is the first half's check.
    all[0].abort();
    all[1].abort();
    for (const err of await Promise.all(waiting)) assert.ok(err instanceof api.OutboundSyncAbortError, String(err));
    await until(() => up.requests.at(-1).cancelled);
    // A caller after them starts afresh rather than joining the cancelled request.
    assert.deepEqual((await api.getOutboundSyncConnections({ ...options, apiKey: lonely })).map((c) => c.id), [7, 8]);
    assert.equal(up.count(lonely), 2);
  });
});

test("after a 429 with Retry-After, calls fail at once without a request until it has passed", () => {
  let limited = true;
  return withDouble({ answer: ({ key }) => (limited && key.endsWith('_ra') ? { status: 429, body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' }, headers: { 'Retry-After': key.includes('long') ? '42' : '1' } } : {}) }, async (up) => {
    const apiKey = `${freshKey()}_long_ra`;
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, maxRetries: 0 };
    const first = await api.getOutboundSyncConnections(options).catch((e) => e);
    assert.equal(first.code, 'rate_limited');
    assert.equal(first.retryAfter, 42);
    const held = await api.getOutboundSyncConnections(options).catch((e) => e);
    assert.ok(held instanceof api.OutboundSyncRateLimitError, String(held));
    assert.equal(held.attempts, 0);
    assert.ok(held.retryAfter > 0 && held.retryAfter <= 42, String(held.retryAfter));
    assert.equal(held.retryable, true);
    assert.doesNotMatch(held.message, new RegExp(apiKey));
    assert.equal(up.count(apiKey), 1, 'the held-back call sent a request');
    // Held back whatever the caller's own TTL or retries.
    await assert.rejects(api.getOutboundSyncMe({ apiKey, baseUrl: up.url, cacheTtlMs: 1 }), { code: 'rate_limited', attempts: 0 });
    assert.equal(up.count(apiKey), 1);

    // Held back until the Retry-After has passed, not longer. (Only the release is checked with
    // this 1 s one: a held-back call within that second is the long one's check above, which
    // no slow runner can outlast.)
    const shortKey = `${freshKey()}_short_ra`;
    const short = { ...options, apiKey: shortKey };
    await assert.rejects(api.getOutboundSyncConnections(short), { code: 'rate_limited', retryAfter: 1 });
    assert.equal(up.count(shortKey), 1);
    limited = false;
    await sleep(1_050);
    assert.deepEqual((await api.getOutboundSyncConnections(short)).map((c) => c.id), [7, 8]);
    assert.equal(up.count(shortKey), 2);
  });
});

test('errors are never cached; a 401 or 403 drops the key\'s cached result', () => {
  const answers = new Map(); // key -> status for its next requests
  return withDouble({ answer: ({ key }) => {
    const status = answers.get(key) ?? 200;
    return status === 200 ? {} : { status, body: { statusCode: status, message: status === 401 ? 'Invalid API key' : 'nope' } };
  } }, async (up) => {
    const apiKey = freshKey();
    const options = { apiKey, baseUrl: up.url, cacheTtlMs: 60_000, maxRetries: 0 };
    answers.set(apiKey, 500);
    await assert.rejects(api.getOutboundSyncConnections(options), { code: 'server_error' });
    await assert.rejects(api.getOutboundSyncConnections(options), { code: 'server_error' });
    assert.equal(up.count(apiKey), 2, 'an error was served from the cache');

    for (const status of [401, 403]) {
      const key = freshKey();
      answers.set(key, 200);
      await api.getOutboundSyncConnections({ ...options, apiKey: key });
      answers.set(key, status);
      // The key is revoked meanwhile; a call without the cache learns it, and the cached result goes.
      await assert.rejects(api.getOutboundSyncConnections({ apiKey: key, baseUrl: up.url }), { status });
      await assert.rejects(api.getOutboundSyncConnections({ ...options, apiKey: key }), { status });
      assert.equal(up.count(key), 3, `a ${status} left the result cached`);
    }
  });
});

test('the cache holds at most 100 keys, dropping the least recently used', () =>
  withDouble({ answer: () => ({}) }, async (up) => {
    const first = freshKey();
    const options = (apiKey) => ({ apiKey, baseUrl: up.url, cacheTtlMs: 60_000 });
    await api.getOutboundSyncConnections(options(first));
    const others = Array.from({ length: 100 }, freshKey);
    for (const key of others.slice(0, 99)) await api.getOutboundSyncConnections(options(key));
    await api.getOutboundSyncConnections(options(first)); // now the most recently used
    await api.getOutboundSyncConnections(options(others[99])); // the 101st: others[0] goes
    assert.equal(up.count(first), 1);
    await api.getOutboundSyncConnections(options(first));
    await api.getOutboundSyncConnections(options(others[1]));
    assert.equal(up.count(first), 1);
    assert.equal(up.count(others[1]), 1);
    await api.getOutboundSyncConnections(options(others[0]));
    assert.equal(up.count(others[0]), 2, 'the least recently used entry was kept');
  }));

test('cacheTtlMs must be a whole number of milliseconds up to 24 hours', async () => {
  for (const cacheTtlMs of [-1, 1.5, 86_400_001, '60000', true, Number.NaN]) {
    await assert.rejects(api.getOutboundSyncConnections({ apiKey: freshKey(), baseUrl: 'http://127.0.0.1:9', cacheTtlMs }), (err) => {
      assert.equal(err.code, 'invalid_option');
      assert.match(err.message, /cacheTtlMs/);
      return true;
    });
  }
});
