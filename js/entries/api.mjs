// Shared by the ES module entries: the exported functions, which instantiate the wasm on
// first call (importing does no other work than browser.mjs's early download) and then call into it.
import { loadError } from './errors.mjs';

/**
 * `glue` is one build's wasm-bindgen glue module: glue.mjs (the full build) or glue-browser.mjs
 * (the browser build, without the `fleet` feature); it carries the imports its .wasm is
 * instantiated with (`wasmImports`). `instantiate(imports)` returns a WebAssembly.Instance, or a
 * promise of one. Whatever it throws rejects the call as `wasm_load_failed`, in the words
 * errors.js has for `loader` (a name, or a function that returns one when the load fails), and
 * the next call tries again (a page's network may come back).
 */
export function createApi(glue, instantiate, loader) {
  let ready;
  const init = () => {
    ready ??= Promise.resolve()
      .then(() => instantiate(glue.wasmImports))
      .then((instance) => {
        glue.__wbg_set_wasm(instance.exports);
        glue.startWasm();
      })
      .catch((err) => {
        ready = undefined;
        throw loadError(typeof loader === 'function' ? loader() : loader, err);
      });
    return ready;
  };
  return {
    async getOutboundSyncConnections(options) {
      await init();
      return glue.getOutboundSyncConnections(options);
    },
    async getOutboundSyncMe(options) {
      await init();
      return glue.getOutboundSyncMe(options);
    },
  };
}
