// Browsers and bundlers for pages, workers and extensions: the .wasm is fetched from beside this
// module and compiled as it streams in. Its download starts when this module is evaluated, so a
// page's first call waits for less; compiling waits for that call.
import { createApi } from './api.mjs';
import * as build from './wasm-browser.mjs';

export * from './classes.mjs';

// esbuild's iife output (a classic <script> or Worker) empties import.meta; the .wasm is then
// beside the script itself: document.currentScript while the script runs (null afterwards, so
// read now), or a worker's own location.
const script = typeof document === 'undefined' ? undefined : document.currentScript?.src;

// `new URL('./outboundsync_browser_bg.wasm', import.meta.url)` is written out whole: it is the form
// Vite and webpack replace with their emitted asset's URL. Throws where there is no URL to use.
function wasmUrl() {
  if (typeof import.meta.url === 'string') return new URL('./outboundsync_browser_bg.wasm', import.meta.url);
  return new URL('./outboundsync_browser_bg.wasm', script || globalThis.location?.href);
}

/** A fetch of the .wasm that never throws and is never an unhandled rejection. */
function download() {
  let response;
  try {
    response = fetch(wasmUrl());
  } catch (err) {
    response = Promise.reject(err);
  }
  response.catch(() => {});
  return response;
}

// Started now; the first call takes it, and downloads afresh only if it never got an answer
// (an answer that is not ok fails that call, and the next call downloads again).
let early = download();

export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(build, async (imports) => {
  const started = early;
  early = undefined;
  const response = (await started?.catch(() => undefined)) ?? (await fetch(wasmUrl()));
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${response.url || 'outboundsync_browser_bg.wasm'}`);
  const streaming = response.headers.get('content-type')?.startsWith('application/wasm') && WebAssembly.instantiateStreaming;
  const { instance } = streaming ? await WebAssembly.instantiateStreaming(response, imports) : await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
}, 'fetch');
