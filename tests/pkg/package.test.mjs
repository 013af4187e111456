// The built package (pkg/) used from plain Node: exports, CommonJS and ESM, the environment,
// the no-leak rule as Node prints errors, and the API double's own documented behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import util from 'node:util';
import { fileURLToPath } from 'node:url';
import * as esm from '../../pkg/node.mjs';
import { withDouble, FIXTURE_KEYS, RATE_LIMIT } from '../support/double.mjs';

const require = createRequire(import.meta.url);
const cjsPath = fileURLToPath(new URL('../../pkg/node.cjs', import.meta.url));
const cjs = require(cjsPath);
const run = promisify(execFile);

// The subclasses, as the Rust core names them (build/contract.json, written by `make pkg`).
const { classes: CLASSES } = JSON.parse(readFileSync(new URL('../../build/contract.json', import.meta.url), 'utf8'));

function exposed(err) {
  return [String(err), err.stack, JSON.stringify(err), util.inspect(err, { depth: 8, showHidden: true }), err.message].join('\n');
}

test('CommonJS and ESM expose the same functions and error classes', () => {
  for (const name of ['getOutboundSyncConnections', 'getOutboundSyncMe', 'OutboundSyncError', ...CLASSES]) {
    assert.equal(typeof cjs[name], 'function', name);
    assert.equal(esm[name], cjs[name], name);
  }
  for (const name of CLASSES) {
    const err = new cjs[name]('x', { code: 'timeout' });
    assert.ok(err instanceof cjs.OutboundSyncError && err instanceof Error, name);
    assert.equal(err.name, name);
    assert.equal(Object.getPrototypeOf(cjs[name]), cjs.OutboundSyncError);
  }
});

test('importing the package instantiates nothing; the first call does', async () => {
  const script = `
    let instances = 0;
    const Original = WebAssembly.Instance;
    WebAssembly.Instance = function (m, i) { instances += 1; return new Original(m, i); };
    const api = require(${JSON.stringify(cjsPath)});
    const before = instances;
    api.getOutboundSyncMe({ apiKey: 'osapi_test_lazy', baseUrl: 'http://127.0.0.1:9', maxRetries: 0, fetch: async () => new Response('{}') })
      .catch(() => {}).then(() => console.log(JSON.stringify([before, instances])));`;
  const { stdout } = await run(process.execPath, ['-e', script], { timeout: 15_000 });
  assert.deepEqual(JSON.parse(stdout), [0, 1]);
});

test('the key and base URL come from the environment of a plain Node process', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    const script = `require(${JSON.stringify(cjsPath)}).getOutboundSyncConnections().then((c) => console.log(JSON.stringify(c)))`;
    const env = { ...process.env, OUTBOUNDSYNC_API_KEY: `${FIXTURE_KEYS.connectionScoped}\n`, OUTBOUNDSYNC_BASE_URL: baseUrl };
    // A 15 s limit: a timer left behind (the 30 s default timeout) would keep the process alive.
    const { stdout } = await run(process.execPath, ['-e', script], { env, timeout: 15_000 });
    assert.deepEqual(JSON.parse(stdout), [
      { id: 8, crm: 'SALESFORCE', organizationId: '00D5g000004TEST', organizationDomain: 'acme.my.salesforce.com' },
    ]);
  });
});

test('a missing key names OUTBOUNDSYNC_API_KEY', async () => {
  const env = { ...process.env };
  delete env.OUTBOUNDSYNC_API_KEY;
  const script = `require(${JSON.stringify(cjsPath)}).getOutboundSyncMe().catch((e) => console.log(JSON.stringify([e.name, e.code, e.message])))`;
  const { stdout } = await run(process.execPath, ['-e', script], { env, timeout: 15_000 });
  const [name, code, message] = JSON.parse(stdout);
  assert.equal(name, 'OutboundSyncConfigError');
  assert.equal(code, 'missing_api_key');
  assert.match(message, /OUTBOUNDSYNC_API_KEY/);
});

test('no error shows the key, however Node prints it', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    const key = 'osapi_test_leakcheck_key_0000';
    const cases = [
      [{ apiKey: key, baseUrl }, 'unauthorized'],
      [{ apiKey: key, baseUrl: `${baseUrl}/__scenario/leak1/500`, maxRetries: 0 }, 'server_error'],
      [{ apiKey: key, baseUrl: `${baseUrl}/__scenario/leak2/reset`, maxRetries: 0 }, 'network_error'],
      [{ apiKey: key, baseUrl: `${baseUrl}/__scenario/leak3/hang`, maxRetries: 0, timeoutMs: 100 }, 'timeout'],
      [{ apiKey: key, baseUrl: 'http://example.com' }, 'insecure_base_url'],
      [{ apiKey: 'osapi_test_leak check', baseUrl }, 'malformed_api_key'],
    ];
    for (const [options, code] of cases) {
      const err = await esm.getOutboundSyncMe(options).then(() => assert.fail('resolved'), (e) => e);
      assert.equal(err.code, code);
      const shown = exposed(err);
      assert.ok(!shown.includes('leakcheck_key') && !shown.includes('leak check'), `${code} leaked the key:\n${shown}`);
    }
  });
});

test('the double: 401 carries the documented body and WWW-Authenticate header', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    const res = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: 'Bearer osapi_test_wrong' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="OutboundSync API"');
    assert.deepEqual(await res.json(), { statusCode: 401, message: 'Invalid API key', error: 'Unauthorized' });
  });
});

test('the double: 120 requests per 60 s per IP, counted before the key is checked', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    for (let i = 0; i < RATE_LIMIT; i += 1) {
      const res = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: 'Bearer osapi_test_wrong' } });
      assert.equal(res.status, 401);
      await res.arrayBuffer();
    }
    const limited = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${FIXTURE_KEYS.accountWide}` } });
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.deepEqual(await limited.json(), { statusCode: 429, message: 'ThrottlerException: Too Many Requests' });

    const err = await esm.getOutboundSyncMe({ apiKey: FIXTURE_KEYS.accountWide, baseUrl, maxRetries: 0 }).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(err instanceof esm.OutboundSyncRateLimitError);
    assert.equal(err.status, 429);
    assert.ok(err.retryAfter >= 1 && err.retryAfter <= 60);
    assert.match(err.message, /Retry after \d+ seconds?/);
  });
});

test('the rest of the contract from plain Node: options, signal, custom fetch, browser pages', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    const key = FIXTURE_KEYS.accountWide;
    // A custom fetch gets only method, headers, redirect: 'manual' and a signal.
    const seen = [];
    const recording = (url, init) => { seen.push({ url, init }); return fetch(url, init); };
    assert.equal((await esm.getOutboundSyncConnections({ apiKey: key, baseUrl, fetch: recording })).length, 3);
    assert.equal(seen[0].url, `${baseUrl}/api/v1/me`);
    assert.deepEqual(Object.keys(seen[0].init).sort(), ['headers', 'method', 'redirect', 'signal']);
    assert.deepEqual(seen[0].init.headers, { Authorization: `Bearer ${key}`, Accept: 'application/json' });
    assert.equal(seen[0].init.redirect, 'manual');

    // The caller's signal cancels a request in flight at once.
    const controller = new AbortController();
    const start = performance.now();
    const pending = esm.getOutboundSyncMe({ apiKey: key, baseUrl: `${baseUrl}/__scenario/pkg-abort/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending.then(() => assert.fail('resolved'), (e) => e);
    assert.ok(aborted instanceof esm.OutboundSyncAbortError);
    assert.equal(aborted.code, 'aborted');
    assert.ok(performance.now() - start < 5000);

    for (const options of [{ apiKey: key, baseUrl, timeoutMs: 'soon' }, { apiKey: key, baseUrl, maxRetries: 11 }, { apiKey: key, baseUrl, fetch: 'fetch' }, 42]) {
      const err = await esm.getOutboundSyncMe(options).then(() => assert.fail('resolved'), (e) => e);
      assert.ok(err instanceof esm.OutboundSyncConfigError);
      assert.equal(err.code, 'invalid_option');
    }
  });
  // A browser page (window and document present) is refused unless allowed.
  const script = `
    globalThis.window = globalThis; globalThis.document = {};
    const api = require(${JSON.stringify(cjsPath)});
    const fetch = async () => new Response(JSON.stringify({ account: { id: 1, email: null }, apiKey: { name: 'k', scopes: [], connectionScope: 'account' }, connections: [] }));
    (async () => {
      const refused = await api.getOutboundSyncMe({ apiKey: 'osapi_test_page', fetch }).catch((e) => e.code);
      const allowed = await api.getOutboundSyncConnections({ apiKey: 'osapi_test_page', fetch, dangerouslyAllowBrowser: true });
      console.log(JSON.stringify([refused, allowed]));
    })();`;
  const { stdout } = await run(process.execPath, ['-e', script], { timeout: 15_000 });
  assert.deepEqual(JSON.parse(stdout), ['browser_disallowed', []]);
});

test('every attempt gets a live signal of its own, including after a timeout', async () => {
  const body = JSON.stringify({ account: { id: 1, email: null }, apiKey: { name: 'k', scopes: ['read'], connectionScope: 'account' }, connections: [] });
  const seen = [];
  let hang = false;
  const fetch = (url, init) => {
    seen.push({ signal: init.signal, abortedAtStart: init.signal.aborted });
    if (hang) return new Promise(() => {}); // ignores the signal: only the timeout ends it
    return Promise.resolve(new Response(body, { status: 200 }));
  };
  const call = (options = {}) => cjs.getOutboundSyncConnections({ apiKey: 'osapi_test_signal_reuse', fetch, ...options });
  for (let i = 0; i < 200; i += 1) assert.deepEqual(await call(), []);
  hang = true;
  const err = await call({ timeoutMs: 20, maxRetries: 1 }).catch((e) => e);
  assert.equal(err.code, 'timeout');
  assert.equal(err.attempts, 2);
  hang = false;
  assert.deepEqual(await call(), []);
  assert.equal(seen.length, 203);
  assert.ok(seen.every((s) => !s.abortedAtStart), 'no attempt starts with an aborted signal');
  const [, timedOutFirst, timedOutSecond, after] = seen.slice(-4);
  assert.ok(timedOutFirst.signal.aborted && timedOutSecond.signal.aborted, 'a timed-out attempt has its signal aborted');
  assert.notEqual(after.signal, timedOutSecond.signal);
  assert.notEqual(timedOutSecond.signal, timedOutFirst.signal);
  // Never reused: workerd binds a signal to the request that made it, and a later request's
  // fetch given it hangs (tests/runtimes/workers.test.mjs sees that from inside workerd).
  const uses = new Map();
  for (const { signal } of seen.slice(0, 200)) uses.set(signal, (uses.get(signal) ?? 0) + 1);
  assert.ok(Math.max(...uses.values()) <= 1, `a signal served ${Math.max(...uses.values())} attempts`);
});

test("another client's option names are refused, not ignored: the key never goes to the default address", async () => {
  const sent = [];
  const fetch = async (url) => {
    sent.push(url);
    return new Response('{}', { status: 500 });
  };
  // openai-node's spelling: ignored, this would send the key to https://app.outboundsync.com.
  const err = await cjs.getOutboundSyncMe({ apiKey: 'osapi_test_unknown_option', baseURL: 'http://127.0.0.1:9', fetch }).catch((e) => e);
  assert.ok(err instanceof cjs.OutboundSyncConfigError, String(err));
  assert.equal(err.code, 'invalid_option');
  assert.match(err.message, /"baseURL" \(did you mean baseUrl\?\)/);
  // Options whose listing throws (a Proxy) are refused the same way, and the module still works.
  const hostile = new Proxy({}, { ownKeys() { throw new Error('no'); } });
  assert.equal((await cjs.getOutboundSyncMe(hostile).catch((e) => e)).code, 'invalid_option');
  assert.deepEqual(sent, []);
});

test('a signal-like object whose listener methods throw neither breaks a call nor escapes from a timer', async () => {
  const body = JSON.stringify({ account: { id: 1, email: null }, apiKey: { name: 'k', scopes: ['read'], connectionScope: 'account' }, connections: [] });
  const signal = { aborted: false, addEventListener() { throw new Error('no'); }, removeEventListener() { throw new Error('no'); } };
  const ok = () => Promise.resolve(new Response(body, { status: 200 }));
  assert.deepEqual(await cjs.getOutboundSyncConnections({ apiKey: 'osapi_test_odd_signal', fetch: ok, signal }), []);
  const hang = () => new Promise(() => {});
  const err = await cjs.getOutboundSyncConnections({ apiKey: 'osapi_test_odd_signal', fetch: hang, signal, timeoutMs: 20, maxRetries: 1 }).catch((e) => e);
  assert.equal(err.code, 'timeout');
  assert.equal(err.attempts, 2);
});

test('whatever a custom fetch does, the call ends in a typed error, and the module keeps working', async () => {
  const body = JSON.stringify({ account: { id: 1, email: null }, apiKey: { name: 'k', scopes: ['read'], connectionScope: 'account' }, connections: [] });
  const headers = new Headers();
  const cases = [
    ['resolves to undefined', async () => undefined, 'network_error', /did not resolve to a Response/],
    ['resolves to an object whose status getter throws', async () => ({ get status() { throw new Error('no'); } }), 'network_error', /did not resolve to a Response/],
    ['throws synchronously', () => { throw new TypeError('sync failure'); }, 'network_error', /sync failure/],
    ['a body whose read throws synchronously', async () => ({ status: 200, headers, arrayBuffer() { throw new Error('unreadable'); } }), 'network_error', /unreadable/],
    // Ignores the signal: only the attempt's own timeout can end it.
    ['a body that never arrives', async () => ({ status: 200, headers, arrayBuffer: () => new Promise(() => {}) }), 'timeout', /timeoutMs = 30 ms/],
    ['a body that is not an ArrayBuffer', async () => ({ status: 200, headers, arrayBuffer: async () => 'text' }), 'invalid_response', /not valid JSON|empty/],
  ];
  for (const [name, fetch, code, message] of cases) {
    const err = await cjs.getOutboundSyncMe({ apiKey: 'osapi_test_odd_fetch', fetch, timeoutMs: 30, maxRetries: 1 }).catch((e) => e);
    assert.ok(err instanceof cjs.OutboundSyncError, `${name}: ${err}`);
    assert.equal(err.code, code, `${name}: ${err.message}`);
    assert.match(err.message, message, name);
  }
  const ok = async () => new Response(body, { status: 200 });
  assert.deepEqual(await cjs.getOutboundSyncConnections({ apiKey: 'osapi_test_odd_fetch', fetch: ok }), []);
});

test('the README npm shows reads right on its own: absolute links, make only for contributors', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../pkg/README.md', import.meta.url)), 'utf8');
  const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
  for (const [, target] of readme.matchAll(/\]\(([^)]+)\)/g)) {
    if (target.startsWith('#')) assert.ok(anchors.has(target.slice(1)), `a link to a heading that is not there: ${target}`);
    else assert.match(target, /^https:\/\//, `a relative link, which npm cannot follow: ${target}`);
  }
  const [forUsers, forContributors] = readme.split(/^## Contributing$/m);
  assert.ok(forContributors?.includes('make test') && forContributors.includes('make demo'), 'no Contributing section with the set-up');
  assert.doesNotMatch(forUsers, /\bmake \w/, 'a make command outside the Contributing section');
});

test('each glue provides every import its .wasm declares, and calls only exports it has, by readable names', async () => {
  // The full build's glue, ES and as its CommonJS bundle (node.cjs), and the browser build's.
  const builds = [
    ['outboundsync_core_bg.wasm', 'glue.mjs', [await import('../../pkg/glue.mjs'), require('../../pkg/core.cjs')]],
    ['outboundsync_browser_bg.wasm', 'glue-browser.mjs', [await import('../../pkg/glue-browser.mjs')]],
  ];
  for (const [wasmFile, glueFile, glues] of builds) {
    const wasm = new WebAssembly.Module(readFileSync(new URL(`../../pkg/${wasmFile}`, import.meta.url)));
    const glueText = readFileSync(new URL(`../../pkg/${glueFile}`, import.meta.url), 'utf8');
    const exported = new Set(WebAssembly.Module.exports(wasm).map((e) => e.name));
    for (const glue of glues) {
      const declared = WebAssembly.Module.imports(wasm);
      assert.ok(declared.length > 50, `${wasmFile}: ${declared.length} imports`);
      for (const { module, name, kind } of declared) {
        const provided = glue.wasmImports[module]?.[name];
        assert.equal(kind, 'function', `${module}.${name}`);
        assert.equal(typeof provided, 'function', `${wasmFile} imports ${module}.${name}, which ${glueFile} does not provide`);
        // A stack trace through the glue names the function for what it does, not by its short name.
        assert.match(provided.name, /^[A-Za-z_]\w+(\$[\w$]*)?$/, `${module}.${name} is provided by ${provided.name}`);
      }
      const provided = Object.entries(glue.wasmImports).flatMap(([module, fns]) => Object.keys(fns).map((name) => `${module}.${name}`));
      assert.deepEqual(provided.sort(), declared.map((i) => `${i.module}.${i.name}`).sort(), `${glueFile} provides imports ${wasmFile} does not declare`);
    }
    for (const [, name] of glueText.matchAll(/(?<![\w$.])wasm\.([\w$]+)/g)) assert.ok(exported.has(name), `${glueFile} calls wasm.${name}, which ${wasmFile} does not export`);
  }
});

test('an option that is null counts as not given, as one that is undefined does', async () => {
  await withDouble({}, async ({ url: baseUrl }) => {
    const unset = { timeoutMs: null, maxRetries: null, cacheTtlMs: null, cacheStore: null, logLevel: null, logger: null, signal: null, fetch: null, dangerouslyAllowBrowser: null };
    const connections = await esm.getOutboundSyncConnections({ apiKey: FIXTURE_KEYS.accountWide, baseUrl, ...unset });
    assert.deepEqual(connections.map((c) => c.id), [7, 8, 9]);
    // A null key or base URL falls back to the environment, then to the default, as an absent one.
    const script = `require(${JSON.stringify(cjsPath)}).getOutboundSyncConnections({ apiKey: null, baseUrl: null })
      .then((c) => console.log(c.map((x) => x.id).join()), (e) => console.log(e.code))`;
    const env = { ...process.env, OUTBOUNDSYNC_API_KEY: FIXTURE_KEYS.accountWide, OUTBOUNDSYNC_BASE_URL: baseUrl };
    assert.equal((await run(process.execPath, ['-e', script], { env, timeout: 15_000 })).stdout, '7,8,9\n');
  });
});
