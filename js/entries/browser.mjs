// Browsers and bundlers for pages, workers and extensions: the browser build's .wasm (without
// the `fleet` feature: no store code) is fetched from beside this module and compiled as it
// streams in. Its download starts when this module is evaluated, so a page's first call waits
// for less; compiling waits for that call. A `<link rel="preload" as="fetch" crossorigin>` of the
// same URL (outboundsync/vite writes one) is the same request, so that download gets the
// preloaded response.
import { createApi } from './api.mjs';
import * as glue from './glue-browser.mjs';

export * from './classes.mjs';

const WASM = 'outboundsync_browser_bg.wasm';

// esbuild's iife output (a classic <script> or Worker) empties import.meta; the .wasm is then
// beside the script itself: document.currentScript while the script runs (null afterwards, so
// read now), or a worker's own location.
const script = typeof document === 'undefined' ? undefined : document.currentScript?.src;

/** The extension's URL of the .wasm at its root, where there is an extension API (`chrome` in
 * Chromium, `browser` in Firefox): its service worker, its pages and its content scripts. */
function extensionUrl() {
  for (const api of [globalThis.browser, globalThis.chrome]) {
    const runtime = api?.runtime;
    if (typeof runtime?.getURL === 'function') return new URL(runtime.getURL(WASM));
  }
  return undefined;
}

// Whether the .wasm comes from the extension's root (for wasm_load_failed's advice).
let fromExtension = false;

// `new URL('./outboundsync_browser_bg.wasm', import.meta.url)` is written out whole: it is the form
// Vite and webpack replace with their emitted asset's URL. Throws where there is no URL to use.
// Without import.meta, beside the script, or a page's or worker's own location. The .wasm never
// comes from another origin than the package's code: in an extension, a URL that is not the
// extension's (a content script's `location` is the visited site's, as is any bundler's URL
// derived from it) gives way to the extension's root.
function wasmUrl() {
  const url = typeof import.meta.url === 'string' ? new URL('./outboundsync_browser_bg.wasm', import.meta.url) : new URL(WASM, script || globalThis.location?.href);
  const extension = extensionUrl();
  fromExtension = extension !== undefined && url.origin !== extension.origin;
  return fromExtension ? extension : url;
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

export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(glue, async (imports) => {
  const started = early;
  early = undefined;
  const response = (await started?.catch(() => undefined)) ?? (await fetch(wasmUrl()));
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${response.url || WASM}`);
  const streaming = response.headers.get('content-type')?.startsWith('application/wasm') && WebAssembly.instantiateStreaming;
  const { instance } = streaming ? await WebAssembly.instantiateStreaming(response, imports) : await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
}, () => (fromExtension ? 'extension' : 'fetch'));
