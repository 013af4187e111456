// logLevel, logger and OUTBOUNDSYNC_LOG from plain Node: what each level writes, that no line
// ever holds the key (faults included), and that a logger cannot break a call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as api from '../../pkg/node.mjs';
import { startDouble, withDouble } from '../support/double.mjs';
import { LEVELS, recorder } from '../support/recorder.mjs';

const run = promisify(execFile);
const cjsPath = fileURLToPath(new URL('../../pkg/node.cjs', import.meta.url));
const KEY = 'osapi_test_log_secret_key_5678';

/** Runs `fn(double)` against a double that answers 503 (with a request id) on the first request
 * of each key, then the result. */
function flaky(fn) {
  const seen = new Set();
  const answer = ({ key }) => (seen.has(key) ? {} : (seen.add(key), { status: 503, body: { statusCode: 503, message: `busy ${key}` }, headers: { 'Retry-After': '0' } }));
  return withDouble({ answer }, fn);
}

test('each level writes its own lines and those before it; off writes none', () =>
  flaky(async (up) => {
    const seen = {};
    for (const logLevel of ['off', 'error', 'warn', 'info', 'debug']) {
      const { logger, lines, at } = recorder();
      const apiKey = `${KEY}_${logLevel}`;
      await api.getOutboundSyncConnections({ apiKey, baseUrl: up.url, logLevel, logger });
      await assert.rejects(api.getOutboundSyncConnections({ apiKey: `${apiKey}_x`, baseUrl: up.url, logLevel, logger, maxRetries: 0 }), { code: 'server_error' });
      seen[logLevel] = { lines, at };
    }
    assert.deepEqual(seen.off.lines, []);
    assert.deepEqual(seen.error.at('error'), [seen.error.lines[0][1]]);
    assert.equal(seen.error.lines.length, 1);
    assert.match(seen.error.at('error')[0], /^\[outboundsync\] server_error: OutboundSync had a server error \(HTTP 503: "busy \[redacted\]"\) after 1 attempt\./);
    assert.deepEqual(seen.warn.at('warn').length, 1);
    assert.match(seen.warn.at('warn')[0], /^\[outboundsync\] attempt 1 failed with server_error \(HTTP 503\); retrying in 0 ms$/);
    assert.equal(seen.info.lines.length, 2, 'info adds nothing here: no cache in use');
    const debug = seen.debug.at('debug');
    assert.equal(debug.length, 3);
    const url = `${up.url}/api/v1/me`.replace(/[.]/g, '\\.');
    assert.match(debug[0], new RegExp(`^\\[outboundsync\\] GET ${url} attempt 1: HTTP 503, \\d+ bytes, x-request-id req_double_\\d+ in \\d+ ms$`));
    assert.match(debug[1], new RegExp(`^\\[outboundsync\\] GET ${url} attempt 2: HTTP 200, \\d+ bytes, x-request-id req_double_\\d+ in \\d+ ms$`));
    for (const { lines } of Object.values(seen)) for (const [, line] of lines) assert.ok(!line.includes(KEY), line);
  }));

test('info: cache hits, shared requests and calls held back by a 429, by key hint only', async () => {
  const up = await startDouble({ answer: ({ key }) => (key.endsWith('limited') ? { status: 429, body: { message: 'slow' }, headers: { 'Retry-After': '30' } } : { delayMs: 30 }) });
  try {
    const { logger, at } = recorder();
    const options = { apiKey: `${KEY}_info`, baseUrl: up.url, cacheTtlMs: 60_000, logLevel: 'info', logger };
    await Promise.all([api.getOutboundSyncConnections(options), api.getOutboundSyncConnections(options)]);
    await api.getOutboundSyncConnections(options);
    const limited = { ...options, apiKey: `${KEY}_limited`, maxRetries: 0 };
    await assert.rejects(api.getOutboundSyncConnections(limited), { code: 'rate_limited' });
    await assert.rejects(api.getOutboundSyncConnections(limited), { code: 'rate_limited', attempts: 0 });
    assert.deepEqual(at('info').map((line) => line.replace(/\d+ ms ago/, 'N ms ago').replace(/for \d+ more/, 'for N more')), [
      '[outboundsync] sharing the request in flight for osapi_…info',
      '[outboundsync] cache hit for osapi_…info: a result from N ms ago, no request sent',
      "[outboundsync] rate limited for osapi_…ited for N more seconds (the server's Retry-After): no request sent",
    ]);
    assert.equal(at('error').length, 2);
  } finally {
    await up.stop();
  }
});

test('no line holds the key, whatever goes wrong', async () => {
  // Every answer echoes the key back: in a body, a header, a request id.
  const up = await startDouble({ answer: ({ key }, n) => {
    const echo = { statusCode: 0, message: `bad key ${key}`, error: key };
    switch (n % 6) {
      case 0: return { status: 401, body: { ...echo, statusCode: 401 }, headers: { 'X-Request-Id': key } };
      case 1: return { status: 500, body: { ...echo, statusCode: 500 } };
      case 2: return { status: 429, body: echo, headers: { 'Retry-After': key } };
      case 3: return { status: 200, body: `{"account":{"id":"${key}"}}` };
      case 4: return { status: 302, body: '', headers: { Location: `https://evil.test/?k=${key}` } };
      default: return { status: 200, body: `<html>${key}</html>` };
    }
  } });
  try {
    const { logger, lines } = recorder();
    for (let i = 0; i < 6; i += 1) {
      // Two callers sharing each request: the info lines are written under faults too.
      const options = { apiKey: KEY, baseUrl: up.url, logLevel: 'debug', logger, maxRetries: 1, cacheTtlMs: 60_000 };
      await Promise.all([api.getOutboundSyncMe(options).catch(() => {}), api.getOutboundSyncMe(options).catch(() => {})]);
    }
    const fetchThatThrows = async () => { throw new TypeError(`connect ECONNREFUSED ${KEY}`); };
    await api.getOutboundSyncMe({ apiKey: KEY, baseUrl: up.url, logLevel: 'debug', logger, maxRetries: 0, fetch: fetchThatThrows }).catch(() => {});
    await api.getOutboundSyncMe({ apiKey: KEY, baseUrl: up.url, logLevel: 'debug', logger, maxRetries: 0, timeoutMs: 5, fetch: () => new Promise(() => {}) }).catch(() => {});
    assert.ok(lines.length >= 15, `${lines.length} lines`);
    for (const level of LEVELS) assert.ok(lines.some(([l]) => l === level), `no ${level} line`);
    const text = lines.map(([, line]) => line).join('\n');
    assert.ok(!text.includes(KEY) && !text.includes('log_secret'), text);
    // A request id that echoes the key is redacted; the double's own ids are shown as they are.
    assert.match(text, /x-request-id \[redacted\]/);
    assert.match(text, /x-request-id req_double_\d+/);
  } finally {
    await up.stop();
  }
});

test('a logger that throws, or rejects, never changes what a call returns', () =>
  flaky(async (up) => {
    const rejections = [];
    const onRejection = (reason) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const throwing = Object.fromEntries(LEVELS.map((level) => [level, () => { throw new Error(`logger ${level} broke`); }]));
      const rejecting = Object.fromEntries(LEVELS.map((level) => [level, async () => { throw new Error(`async logger ${level} broke`); }]));
      const thenable = Object.fromEntries(LEVELS.map((level) => [level, () => ({ get then() { throw new Error('then'); } })]));
      for (const [i, logger] of [throwing, rejecting, thenable].entries()) {
        const options = { apiKey: `${KEY}_throwing_${i}`, baseUrl: up.url, logLevel: 'debug', logger };
        assert.deepEqual((await api.getOutboundSyncConnections(options)).map((c) => c.id), [7, 8]);
        await assert.rejects(api.getOutboundSyncConnections({ ...options, apiKey: `${KEY}_t${i}_again`, maxRetries: 0 }), { code: 'server_error' });
        await assert.rejects(api.getOutboundSyncConnections({ ...options, timeoutMs: -1 }), { code: 'invalid_option' });
      }
      // Node reports a rejection nobody handled once the microtasks of its task have run: the
      // next task sees every report the calls above could cause.
      await new Promise(setImmediate);
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  }));

test('logLevel and logger are checked; a configuration error is logged when the level allows', async () => {
  for (const logLevel of ['verbose', 3, true]) {
    await assert.rejects(api.getOutboundSyncMe({ apiKey: KEY, logLevel }), (err) => err.code === 'invalid_option' && /logLevel/.test(err.message) && /'debug'/.test(err.message));
  }
  // Case and surrounding spaces are forgiven: 'DEBUG ' logs as 'debug' does.
  const forgiven = recorder();
  await assert.rejects(api.getOutboundSyncMe({ apiKey: `${KEY} pasted twice`, logLevel: 'DEBUG ', logger: forgiven.logger }), { code: 'malformed_api_key' });
  assert.equal(forgiven.at('error').length, 1, 'logLevel "DEBUG " did not log at the error level');
  for (const logger of [{}, { info() {} }, 'console', 42]) {
    await assert.rejects(api.getOutboundSyncMe({ apiKey: KEY, logLevel: 'debug', logger }), (err) => err.code === 'invalid_option' && /logger/.test(err.message));
  }
  const { logger, at } = recorder();
  await assert.rejects(api.getOutboundSyncMe({ apiKey: `${KEY} pasted twice`, logLevel: 'error', logger }), { code: 'malformed_api_key' });
  assert.equal(at('error').length, 1);
  assert.match(at('error')[0], /^\[outboundsync\] malformed_api_key: /);
  assert.ok(!at('error')[0].includes(KEY));
});

test('OUTBOUNDSYNC_LOG sets the level for console where the options do not; a bad value is ignored with one warning, unquoted if it could be a key', () =>
  flaky(async (up) => {
    const script = (options) => `require(${JSON.stringify(cjsPath)}).getOutboundSyncConnections(${options})
      .then((c) => console.log('result', c.length), (e) => console.log('error', e.code, e.message))`;
    const env = (level) => ({ ...process.env, OUTBOUNDSYNC_API_KEY: `${KEY}_env_${level}`, OUTBOUNDSYNC_BASE_URL: up.url, OUTBOUNDSYNC_LOG: level });
    const debug = await run(process.execPath, ['-e', script('')], { env: env('debug'), timeout: 15_000 });
    assert.match(debug.stdout, /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/me attempt 2: HTTP 200/); // console.debug
    assert.match(debug.stderr, /retrying in 0 ms/); // console.warn
    assert.match(debug.stdout, /^result 2$/m);
    const overridden = await run(process.execPath, ['-e', script("{ logLevel: 'off' }")], { env: env('DEBUG'), timeout: 15_000 });
    assert.equal(overridden.stdout, 'result 2\n');
    assert.equal(overridden.stderr, '');
    // A typo there must not fail calls: they go on with logging off, and one module instance
    // warns once, through the logger's warn (here the caller's, below console's).
    const threeCalls = `const warned = []; const logger = { debug() {}, info() {}, warn: (line) => { warned.push(line); }, error() {} };
      const { getOutboundSyncConnections } = require(${JSON.stringify(cjsPath)});
      (async () => { for (let i = 0; i < 3; i += 1) console.log('result', (await getOutboundSyncConnections({ logger })).length); })()
        .then(() => console.log(JSON.stringify(warned)), (e) => console.log('error', e.code, e.message))`;
    const pasted = await run(process.execPath, ['-e', threeCalls], { env: env('osapi_test_pasted_key_0000'), timeout: 15_000 });
    const [warned, ...results] = pasted.stdout.trim().split('\n').reverse();
    assert.deepEqual(results, ['result 2', 'result 2', 'result 2'], pasted.stdout);
    assert.equal(JSON.parse(warned).length, 1, warned);
    assert.match(JSON.parse(warned)[0], /^\[outboundsync\] OUTBOUNDSYNC_LOG is not a log level \(its value is not shown: it could be a key\).*'debug'/);
    assert.ok(!`${pasted.stdout}${pasted.stderr}`.includes('osapi_test_pasted'), pasted.stdout);
    const typo = await run(process.execPath, ['-e', script('')], { env: env('verbose'), timeout: 15_000 });
    assert.equal(typo.stdout, 'result 2\n');
    assert.match(typo.stderr, /^\[outboundsync\] OUTBOUNDSYNC_LOG is "verbose", which is not a log level, so it is ignored and logging stays off\. [^\n]*\n$/); // console.warn
    for (const out of [debug, overridden, pasted, typo]) assert.ok(!`${out.stdout}${out.stderr}`.includes(KEY), 'the key reached the output');
  }));
