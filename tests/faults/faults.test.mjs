// Fault injection: the built package against a local server that misbehaves on purpose.
// Each case checks the exact error class and code (or the result), how many requests the server
// saw, and that the key shows nowhere in what the error exposes; then a normal call on the same
// loaded module must still succeed. No case bounds the time taken: a wait that should not happen
// shows as a request count or an error code (a timeout, a Retry-After), not as a slow clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import util from 'node:util';
import * as client from '../../pkg/node.mjs';
import { startDouble, listen, FIXTURE_KEYS } from '../support/double.mjs';
import { until } from '../support/wait.mjs';

const KEY = 'osapi_test_fault_key_31337';
let double;
let base;
let seq = 0;

before(async () => {
  double = await startDouble();
  base = double.url;
});

after(() => double.stop());

function scenario(steps) {
  seq += 1;
  const id = `fault-${seq}`;
  return { id, baseUrl: `${base}/__scenario/${id}/${steps}` };
}

async function seen(id) {
  const res = await fetch(`${base}/__double/count/${id}`);
  return (await res.json()).count;
}

function json(value) {
  return `200:json=${encodeURIComponent(JSON.stringify(value))}`;
}

function exposed(err) {
  return [String(err), err.stack, JSON.stringify(err), util.inspect(err, { depth: 8, showHidden: true }), err.message, String(err.cause?.message)].join('\n');
}

async function stillWorks() {
  const connections = await client.getOutboundSyncConnections({ apiKey: FIXTURE_KEYS.accountWide, baseUrl: `${base}/__scenario/healthy-${seq}/ok` });
  assert.equal(connections.length, 3, 'the module is broken after the previous case');
}

/**
 * Runs one hostile case: `steps` for the double (or a base URL), the options, and what must
 * happen: `{ code, class, requests, check }` or `{ result: (value) => void, requests }`.
 */
async function hostile(name, steps, expected, options = {}) {
  const target = typeof steps === 'string' ? scenario(steps) : steps;
  let outcome;
  try {
    outcome = { value: await client.getOutboundSyncMe({ apiKey: KEY, baseUrl: target.baseUrl, ...options }) };
  } catch (err) {
    outcome = { err };
  }
  if (expected.result) {
    assert.ok(!outcome.err, `${name}: rejected with ${outcome.err?.name}: ${outcome.err?.message}`);
    expected.result(outcome.value);
  } else {
    const { err } = outcome;
    assert.ok(err, `${name}: resolved`);
    assert.ok(err instanceof client[expected.class], `${name}: ${err.name} is not ${expected.class}: ${err.message}`);
    assert.equal(err.code, expected.code, `${name}: ${err.message}`);
    const shown = exposed(err);
    assert.ok(!shown.includes('fault_key_31337'), `${name}: the key leaked:\n${shown}`);
    expected.check?.(err);
  }
  if (target.id && expected.requests !== undefined) assert.equal(await seen(target.id), expected.requests, `${name}: requests seen`);
  await stillWorks();
}

const fast = { maxRetries: 0 };
const documented = {
  account: { id: 42, email: 'you@company.com' },
  apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
  connections: [{ id: 7, crm: 'HUBSPOT', organizationId: '123', organizationDomain: 'acme.com' }],
};

test('connection refused', async () => {
  const closed = http.createServer();
  const url = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  await hostile('refused', { baseUrl: url }, { class: 'OutboundSyncConnectionError', code: 'network_error', check: (e) => assert.match(e.message, /ECONNREFUSED/) });
  await hostile('refused, retried', { baseUrl: url }, { class: 'OutboundSyncConnectionError', code: 'network_error', check: (e) => assert.equal(e.attempts, 3) });
});

test('resets, stalls and cut bodies', async () => {
  await hostile('reset before the headers', 'reset', { class: 'OutboundSyncConnectionError', code: 'network_error', requests: 1 }, fast);
  // The 200 arrived: the error keeps its status and says the body was cut, not "before any response".
  const cutBody = (e) => {
    assert.equal(e.status, 200);
    assert.match(e.message, /^OutboundSync answered HTTP 200 at http:\/\/127\.0\.0\.1:\d+ but its body could not be read \(/);
  };
  await hostile('reset during the body', 'cut', { class: 'OutboundSyncConnectionError', code: 'network_error', requests: 1, check: cutBody }, fast);
  await hostile('headers that never come', 'hang', { class: 'OutboundSyncTimeoutError', code: 'timeout', requests: 1 }, { ...fast, timeoutMs: 300 });
  await hostile('a body that never ends', 'stall', { class: 'OutboundSyncTimeoutError', code: 'timeout', requests: 1 }, { ...fast, timeoutMs: 300 });
  await hostile('timeouts are retried', 'hang', { class: 'OutboundSyncTimeoutError', code: 'timeout', requests: 3 }, { timeoutMs: 200 });
  await hostile('a complete body cut mid-JSON', '200:body=truncated', { class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1 });
});

test('200 bodies that are not the documented JSON', async () => {
  await hostile('HTML', '200:body=html', { class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1, check: (e) => assert.ok(!e.message.includes('<')) });
  await hostile('connections: null', '200:body=nullconnections', { class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1 });
  await hostile('not UTF-8', '200:body=notutf8', { class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1 });
  await hostile('empty', '200:empty', { class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1 });
  // A wrong type at every field of the documented shape, one at a time.
  const wrongs = [
    [['account'], 'x'], [['account', 'id'], '42'], [['account', 'email'], 5], [['apiKey'], []], [['apiKey', 'name'], null],
    [['apiKey', 'scopes'], 'read'], [['apiKey', 'scopes', 0], 1], [['apiKey', 'connectionScope'], 'everything'],
    [['connections'], {}], [['connections', 0], 'c'], [['connections', 0, 'id'], true], [['connections', 0, 'crm'], 7],
    [['connections', 0, 'organizationId'], 123], [['connections', 0, 'organizationDomain'], ['acme.com']],
  ];
  for (const [path, value] of wrongs) {
    const body = structuredClone(documented);
    let at = body;
    for (const key of path.slice(0, -1)) at = at[key];
    at[path.at(-1)] = value;
    const shown = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
    await hostile(`wrong type at ${shown}`, json(body), {
      class: 'OutboundSyncResponseError', code: 'invalid_response', requests: 1,
      check: (e) => assert.ok(e.message.includes(shown), `${shown} not named: ${e.message}`),
    });
  }
});

test('large bodies', async () => {
  await hostile('10,000 connections', '200:body=many', { requests: 1, result: (me) => assert.equal(me.connections.length, 10_000) });
  await hostile('a 10 MB body', '200:body=huge', {
    requests: 1,
    result: (me) => {
      assert.equal(me.connections.length, 100_000);
      assert.deepEqual(me.connections.at(-1), { id: 100_000, crm: 'SALESFORCE', organizationId: 'org-99999', organizationDomain: 'tenant-99999.example.com' });
    },
  });
});

test('redirects are never followed', async () => {
  for (const status of [301, 302, 303, 307, 308]) {
    await hostile(`${status} to another host`, `${status}:loc=${encodeURIComponent('http://attacker.invalid/steal')}`, { class: 'OutboundSyncResponseError', code: 'unexpected_redirect', requests: 1 });
  }
});

test("a redirect's body, never read, is cancelled: the connection is let go, not kept until garbage collection", async () => {
  // A double of its own, so only these calls' connections are counted, which never closes an
  // idle one itself. Each 302 comes with a body; a body neither read nor cancelled holds its
  // connection open (undici), so each call would open one more.
  const answer = () => ({ status: 302, body: 'x'.repeat(64 * 1024), headers: { Location: 'http://attacker.invalid/' } });
  const own = await startDouble({ answer, keepAlive: false });
  try {
    const redirected = async (calls) => {
      for (let i = 0; i < calls; i += 1) {
        await assert.rejects(client.getOutboundSyncMe({ apiKey: KEY, baseUrl: own.url, maxRetries: 0 }), { code: 'unexpected_redirect' });
      }
    };
    await redirected(3);
    const after3 = await own.connections();
    await redirected(6);
    assert.equal(own.count(), 9);
    // Idle keep-alive connections may stay open for reuse, but their number does not grow
    // with the calls made (unread bodies would hold nine).
    await until(async () => (await own.connections()) <= after3, 30_000, `at most ${after3} connections open after nine calls`);
  } finally {
    await own.stop();
  }
});

test('server errors with JSON, HTML and empty bodies', async () => {
  for (const status of [500, 502, 503, 504]) {
    for (const variant of ['', ':html', ':empty']) {
      await hostile(`${status}${variant}`, `${status}${variant}`, {
        class: 'OutboundSyncServerError', code: 'server_error', requests: 3,
        check: (e) => {
          assert.equal(e.status, status);
          assert.equal(e.attempts, 3);
          assert.ok(!e.message.includes('<'), e.message);
        },
      });
    }
  }
  await hostile('recovers after two failures', '503:html,500:empty,ok', { requests: 3, result: (me) => assert.equal(me.account.id, 42) }, { apiKey: FIXTURE_KEYS.accountWide });
});

test('429 and every shape of Retry-After', async () => {
  const limited = (check) => ({ class: 'OutboundSyncRateLimitError', code: 'rate_limited', check });
  await hostile('seconds', '429:ra=1', { ...limited((e) => assert.equal(e.retryAfter, 1)), requests: 2 }, { maxRetries: 1 });
  await hostile('an HTTP date', '429:radate=2', { ...limited((e) => assert.ok(e.retryAfter > 0 && e.retryAfter <= 2)), requests: 2 }, { maxRetries: 1 });
  await hostile('a date in the past means now', '429:radate=-3600', { ...limited((e) => assert.equal(e.retryAfter, 0)), requests: 3 });
  await hostile('negative: backoff instead', '429:ra=-5', { ...limited((e) => assert.equal(e.retryAfter, undefined)), requests: 2 }, { maxRetries: 1 });
  await hostile('garbage: backoff instead', '429:ra=soon', { ...limited((e) => assert.equal(e.retryAfter, undefined)), requests: 2 }, { maxRetries: 1 });
  await hostile('absent: backoff', '429', { ...limited((e) => assert.equal(e.retryAfter, undefined)), requests: 2 }, { maxRetries: 1 });
  await hostile('over 60 s: fails at once', '429:ra=61', { ...limited((e) => assert.equal(e.retryAfter, 61)), requests: 1 });
});

test('401 with and without a JSON body', async () => {
  await hostile('JSON body', '401', { class: 'OutboundSyncAuthenticationError', code: 'unauthorized', requests: 1, check: (e) => assert.equal(e.serverMessage, 'Unauthorized') });
  await hostile('empty body', '401:empty', { class: 'OutboundSyncAuthenticationError', code: 'unauthorized', requests: 1, check: (e) => assert.equal(e.serverMessage, undefined) });
  await hostile('HTML body', '401:html', { class: 'OutboundSyncAuthenticationError', code: 'unauthorized', requests: 1 });
  const echo = `401:json=${encodeURIComponent(JSON.stringify({ statusCode: 401, message: `Invalid API key ${KEY}` }))}`;
  await hostile('a server that echoes the key', echo, {
    class: 'OutboundSyncAuthenticationError', code: 'unauthorized', requests: 1,
    check: (e) => assert.equal(e.serverMessage, 'Invalid API key [redacted]'),
  });
});
