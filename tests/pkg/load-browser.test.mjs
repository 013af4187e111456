// browser.mjs's loader (see load.test.mjs): a .wasm that cannot be fetched rejects the call with
// wasm_load_failed, saying what was tried and what to do, and the next call fetches it again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDouble, FIXTURE_KEYS } from '../double/server.mjs';
import { rejectsAsLoadFailure } from './load-failure.mjs';

const pkg = (file) => fileURLToPath(new URL(`../../pkg/${file}`, import.meta.url));

let double;
before(async () => { double = await startDouble(); });
after(() => double?.stop());

const options = () => ({ apiKey: FIXTURE_KEYS.accountWide, baseUrl: double.url });

test('browser.mjs: a .wasm that cannot be fetched rejects, and the next call fetches again', async () => {
  const api = await import(pkg('browser.mjs'));
  const wasmUrl = new URL('../../pkg/outboundsync_core_bg.wasm', import.meta.url).href;
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
    await rejectsAsLoadFailure(() => api.getOutboundSyncMe(options()), api, /fetching outboundsync_core_bg\.wasm from beside the module and compiling it failed \(Error: HTTP 404 for .*\)\. Serve that file next to the bundle/);
    serve = true;
    assert.deepEqual((await api.getOutboundSyncConnections(options())).map((c) => c.id), [7, 8, 9]);
    assert.equal(asked.length, 2);
  } finally {
    globalThis.fetch = realFetch;
  }
});
