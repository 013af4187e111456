// The .wasm failing to load or instantiate: the call rejects with an OutboundSyncError whose code
// is wasm_load_failed and whose message says what was tried and what to do, and the next call
// tries again instead of failing for ever. One test per loader: node.cjs (CommonJS and, through
// it, node.mjs) and the createApi path every ES module entry shares (index.mjs); Node run with
// --jitless, where WebAssembly does not exist; browser.mjs's fetch in load-browser.test.mjs (the
// ES module entries share one glue module, which one process instantiates once).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDouble, FIXTURE_KEYS } from '../support/double.mjs';
import { rejectsAsLoadFailure } from '../support/load-failure.mjs';

const require = createRequire(import.meta.url);
const pkg = (file) => fileURLToPath(new URL(`../../pkg/${file}`, import.meta.url));
const run = promisify(execFile);

let double;
before(async () => { double = await startDouble(); });
after(() => double?.stop());

const options = () => ({ apiKey: FIXTURE_KEYS.accountWide, baseUrl: double.url });

/** Replaces `WebAssembly[name]` with a function that throws, until the returned restore runs. */
function breakWebAssembly(name) {
  const original = WebAssembly[name];
  let calls = 0;
  WebAssembly[name] = function broken() {
    calls += 1;
    throw new RangeError('out of memory (simulated)');
  };
  return () => {
    WebAssembly[name] = original;
    return calls;
  };
}

test('node.cjs: an instantiation that throws rejects the call, and the next call loads', async () => {
  const api = require(pkg('node.cjs'));
  const restore = breakWebAssembly('Module');
  const err = await rejectsAsLoadFailure(() => api.getOutboundSyncConnections(options()), api, /compiling the WebAssembly bytes built into the package's JavaScript failed \(RangeError: out of memory \(simulated\)\)\. This runtime must allow WebAssembly/);
  assert.equal(err.cause.message, 'out of memory (simulated)');
  await rejectsAsLoadFailure(() => api.getOutboundSyncMe(options()), api, /compiling/);
  assert.equal(restore(), 2, 'the second call did not try again');
  assert.deepEqual((await api.getOutboundSyncConnections(options())).map((c) => c.id), [7, 8, 9]);
});

test('index.mjs (the ES module entries\' shared loader): the same', async () => {
  const api = await import(pkg('index.mjs'));
  const restore = breakWebAssembly('instantiate');
  await rejectsAsLoadFailure(() => api.getOutboundSyncConnections(options()), api, /compiling the WebAssembly bytes built into the package's JavaScript failed \(RangeError/);
  assert.equal(restore(), 1);
  assert.deepEqual((await api.getOutboundSyncConnections(options())).map((c) => c.id), [7, 8, 9]);
});

test('the built-in copy inflates to the shipped .wasm, by node:zlib and by fflate where no zlib is lent (as in Node 18 and pages)', async () => {
  const shipped = readFileSync(pkg('outboundsync_core_bg.wasm'));
  const script = (hide) => `
    ${hide ? 'delete process.getBuiltinModule; globalThis.Buffer = undefined;' : ''}
    const bytes = require(${JSON.stringify(pkg('wasm-inline.cjs'))}).wasmBytes();
    const fflate = Object.keys(require.cache).some((f) => f.endsWith('inflate.cjs'));
    console.log(JSON.stringify({ bytes: require('node:buffer').Buffer.from(bytes).toString('base64'), fflate }));`;
  for (const hide of [false, true]) {
    const { stdout } = await run(process.execPath, ['-e', script(hide)], { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 });
    const { bytes, fflate } = JSON.parse(stdout);
    assert.equal(fflate, hide, hide ? 'fflate not used without zlib' : 'fflate loaded though zlib was lent');
    assert.ok(Buffer.from(bytes, 'base64').equals(shipped), `the inflated bytes differ from the shipped .wasm (fflate: ${fflate})`);
  }
});

test('Node with --jitless (no WebAssembly at all): every call rejects with wasm_load_failed', async () => {
  const script = `
    const api = require(${JSON.stringify(pkg('node.cjs'))});
    const code = (p) => p.then(() => 'resolved', (e) => (e instanceof api.OutboundSyncError ? e.code : 'untyped: ' + e));
    Promise.all([code(api.getOutboundSyncMe('osapi_test_jitless')), code(api.getOutboundSyncConnections('osapi_test_jitless'))])
      .then((codes) => console.log(JSON.stringify(codes)));`;
  const { stdout } = await run(process.execPath, ['--jitless', '-e', script], { timeout: 15_000 });
  assert.deepEqual(JSON.parse(stdout), ['wasm_load_failed', 'wasm_load_failed']);
});

test('every ES module entry names a loader that js/errors.js has words for', async () => {
  const { loadError } = await import(pkg('errors.mjs'));
  for (const entry of ['index.mjs', 'browser.mjs', 'deno.mjs', 'workerd.mjs', 'edge-light.mjs']) {
    // createApi's last argument: a name, or a function choosing among names (browser.mjs).
    const [, last] = /createApi\([\s\S]*,\s*(.+)\);\s*$/.exec(readFileSync(pkg(entry), 'utf8')) ?? [];
    const loaders = [...(last ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]);
    assert.ok(loaders.length > 0, `${entry} passes createApi no loader name`);
    for (const loader of loaders) {
      const err = loadError(loader, new Error('x'));
      assert.match(err.message, /^outboundsync could not load its WebAssembly module: \w.* failed \(Error: x\)\. \S/, `${entry}: ${loader}`);
    }
  }
});

// What engines throw when a Content-Security-Policy forbids WebAssembly, as browsers.test.mjs
// saw them: Chromium on a page and in an MV3 extension, and Firefox.
const POLICY_REFUSALS = {
  'Chromium, a page': `WebAssembly.instantiateStreaming(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: "script-src 'self'".`,
  'Chromium, an extension': `WebAssembly.instantiateStreaming(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because neither 'wasm-eval' nor 'unsafe-eval' is an allowed source of script in the following Content Security Policy directive: "script-src 'self'".`,
  Firefox: 'call to WebAssembly.instantiateStreaming() blocked by CSP',
};

test("a Content-Security-Policy refusal is named first, with 'wasm-unsafe-eval' as the fix", async () => {
  const { loadError } = await import(pkg('errors.mjs'));
  for (const [engine, text] of Object.entries(POLICY_REFUSALS)) {
    const err = loadError('fetch', new WebAssembly.CompileError(text));
    assert.match(err.message, /^outboundsync could not load its WebAssembly module: a Content-Security-Policy forbids compiling WebAssembly here\. Add 'wasm-unsafe-eval' to its script-src \(in a Chrome extension's manifest\.json: "content_security_policy": \{ "extension_pages": "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" \}\)\. \(fetching .* failed: CompileError: /, engine);
    assert.ok(err.message.includes(text.replace(/\.$/, '')), `${engine}: the engine's words are kept`);
    assert.match(err.message, /The next call tries again\.$/, engine);
    assert.equal(err.retryable, true, engine);
  }
  // Other compile errors keep the loader's own advice.
  const other = loadError('fetch', new WebAssembly.CompileError('WebAssembly.instantiateStreaming(): expected magic word 00 61 73 6d, found 3c 21 64 6f @+0'));
  assert.match(other.message, /^outboundsync could not load its WebAssembly module: fetching outboundsync_browser_bg\.wasm from beside the module and compiling it failed \(CompileError: WebAssembly\.instantiateStreaming\(\): expected magic word .*\)\. Serve that file next to the bundle/);
});
