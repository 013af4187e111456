// browser.mjs's loader (see load.test.mjs): a .wasm that cannot be fetched rejects the call with
// wasm_load_failed, saying what was tried and what to do, and the next call fetches it again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDouble, FIXTURE_KEYS } from '../support/double.mjs';
import { rejectsAsLoadFailure } from '../support/load-failure.mjs';

const pkg = (file) => fileURLToPath(new URL(`../../pkg/${file}`, import.meta.url));

let double;
before(async () => { double = await startDouble(); });
after(() => double?.stop());

const options = () => ({ apiKey: FIXTURE_KEYS.accountWide, baseUrl: double.url });

test('browser.mjs: a .wasm that cannot be fetched rejects, and the next call fetches again', async () => {
  const api = await import(pkg('browser.mjs'));
  const wasmUrl = new URL('../../pkg/outboundsync_browser_bg.wasm', import.meta.url).href;
  const realFetch = globalThis.fetch;
  const asked = [];
  let serve = false;
  // The .wasm's URL answers 404 first, then the file; every other URL goes to the real fetch.
  globalThis.fetch = async (url, init) => {
    if (String(url) !== wasmUrl) return realFetch(url, init);
    asked.push(url);
    return serve
      ? new Response(readFileSync(fileURLToPath(wasmUrl)), { headers: { 'content-type': 'application/wasm' } })
      : new Response('not here', { status: 404 });
  };
  try {
    await rejectsAsLoadFailure(() => api.getOutboundSyncMe(options()), api, /fetching outboundsync_browser_bg\.wasm from beside the module and compiling it failed \(Error: HTTP 404 for .*\)\. Serve that file next to the bundle/);
    serve = true;
    assert.deepEqual((await api.getOutboundSyncConnections(options())).map((c) => c.id), [7, 8, 9]);
    assert.equal(asked.length, 2);
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('browser.mjs: a cacheStore is refused, saying the browser build shares through no store and what to do instead', async () => {
  const api = await import(pkg('browser.mjs'));
  const wasmUrl = new URL('../../pkg/outboundsync_browser_bg.wasm', import.meta.url).href;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => (String(url) === wasmUrl
    ? new Response(readFileSync(fileURLToPath(wasmUrl)), { headers: { 'content-type': 'application/wasm' } })
    : realFetch(url, init));
  try {
    for (const extra of [{ cacheTtlMs: 60_000 }, {}]) {
      let requests = 0;
      const counted = (...args) => { requests += 1; return realFetch(...args); };
      await assert.rejects(api.getOutboundSyncConnections({ ...options(), ...extra, fetch: counted, cacheStore: new Map() }), (err) => {
        assert.ok(err instanceof api.OutboundSyncError, String(err));
        assert.equal(err.code, 'invalid_option');
        assert.match(err.message, /^The cacheStore option is not available in outboundsync's browser build: a page shares no results with other instances through a store\. Remove cacheStore; cacheTtlMs alone still caches results in the page\.$/);
        return true;
      });
      assert.equal(requests, 0, 'a refused call sends no request');
    }
    // Without cacheStore, the same call with cacheTtlMs works.
    assert.deepEqual((await api.getOutboundSyncConnections({ ...options(), cacheTtlMs: 60_000 })).map((c) => c.id), [7, 8, 9]);
  } finally {
    globalThis.fetch = realFetch;
  }
});

// The early download: browser.mjs starts fetching the .wasm when it is evaluated (not compiling
// it), and the first call takes that download. Each case runs in a fresh Node process, as the
// download belongs to the module's first evaluation; fetch is replaced before the import.
const EARLY = `
  import { readFileSync } from 'node:fs';
  const [, mode, entry, wasm, baseUrl, apiKey] = process.argv;
  const wasmUrl = new URL(wasm, 'file://').href;
  const seen = { wasmFetches: 0, compilesAtImport: 0, unhandled: [] };
  process.on('unhandledRejection', (reason) => seen.unhandled.push(String(reason)));
  const realFetch = globalThis.fetch;
  const wasmFetch = async (url, init) => {
    if (String(url) !== wasmUrl) return realFetch(url, init);
    seen.wasmFetches += 1;
    if (mode === 'first-download-fails' && seen.wasmFetches === 1) throw new TypeError('Failed to fetch');
    return new Response(readFileSync(wasm), { headers: { 'content-type': 'application/wasm' } });
  };
  globalThis.fetch = mode === 'no-fetch-at-import' ? undefined : wasmFetch;
  // Compiles of the package's .wasm only: Node's fetch compiles its own HTTP parser.
  let compiles = 0;
  const size = readFileSync(wasm).length;
  for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = (source, ...rest) => {
      if (name.endsWith('Streaming') || source?.byteLength === size) compiles += 1;
      return original(source, ...rest);
    };
  }
  const api = await import(entry);
  seen.wasmFetchesAtImport = seen.wasmFetches;
  // The stub's download settles within the import's microtasks; a compile it started would be
  // called by then too, so the next task sees any.
  await new Promise(setImmediate);
  seen.compilesAtImport = compiles;
  globalThis.fetch = wasmFetch;
  seen.ids = (await api.getOutboundSyncConnections({ apiKey, baseUrl })).map((c) => c.id);
  console.log(JSON.stringify(seen));
`;

async function early(mode) {
  const args = ['--input-type=module', '-e', EARLY, mode, pkg('browser.mjs'), pkg('outboundsync_browser_bg.wasm'), double.url, FIXTURE_KEYS.accountWide];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 15_000 });
  return JSON.parse(stdout);
}

test('browser.mjs: importing starts the download, not the compile, and the first call uses it', async () => {
  assert.deepEqual(await early('download-works'), { wasmFetches: 1, wasmFetchesAtImport: 1, compilesAtImport: 0, unhandled: [], ids: [7, 8, 9] });
});

test('browser.mjs: a download that fails at import is no unhandled rejection, and the first call fetches again', async () => {
  assert.deepEqual(await early('first-download-fails'), { wasmFetches: 2, wasmFetchesAtImport: 1, compilesAtImport: 0, unhandled: [], ids: [7, 8, 9] });
});

test('browser.mjs: importing where fetch is missing does not throw; the first call downloads', async () => {
  assert.deepEqual(await early('no-fetch-at-import'), { wasmFetches: 1, wasmFetchesAtImport: 0, compilesAtImport: 0, unhandled: [], ids: [7, 8, 9] });
});
