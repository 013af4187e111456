// Shared by the ES module entries: the exported functions, which instantiate the wasm on
// first call (importing does no other work than browser.mjs's early download) and then call into it.
import { loadError } from './errors.mjs';

/**
 * `build` is one build's module (wasm-full.mjs or wasm-browser.mjs, written by
 * scripts/assemble-pkg.mjs): its glue, and the imports its .wasm is instantiated with.
 * `instantiate(imports)` returns a WebAssembly.Instance, or a promise of one. Whatever it throws
 * rejects the call as `wasm_load_failed`, in the words errors.js has for `loader`, and the next
 * call tries again (a page's network may come back).
 */
export function createApi({ glue, imports }, instantiate, loader) {
  let ready;
  const init = () => {
    ready ??= Promise.resolve()
      .then(() => instantiate(imports))
      .then((instance) => {
        glue.__wbg_set_wasm(instance.exports);
        instance.exports.__wbindgen_start?.();
      })
      .catch((err) => {
        ready = undefined;
        throw loadError(loader, err);
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
