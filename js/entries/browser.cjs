'use strict';
// CommonJS under the `browser` condition: what Jest's jsdom environment loads (it resolves
// `require` with the `browser` condition), and a page bundled from `require('outboundsync')`.
// There is no module URL to fetch the .wasm from beside in CommonJS, so its bytes come with the
// JavaScript as in node.cjs (inflated in a page by fflate's inflater, inflate.cjs; pages that
// `import` get browser.mjs, which fetches the file instead); they are compiled asynchronously,
// as a browser's main thread requires for a module this size. Calls follow a page's rules
// (`browser_disallowed` unless `dangerouslyAllowBrowser`), which the core reads from the
// globals, as in browser.mjs. These are the full build's bytes (one copy in the package serves
// both CommonJS entries), so unlike browser.mjs it also takes `cacheStore` and `staleIfErrorMs`.
const core = require('./core.cjs');

const api = core.createApi(core.glue, async (imports) => (await WebAssembly.instantiate(require('./wasm-inline.cjs').wasmBytes(), imports)).instance, 'inline');

exports.getOutboundSyncConnections = api.getOutboundSyncConnections;
exports.getOutboundSyncMe = api.getOutboundSyncMe;
for (const [name, cls] of Object.entries(core.classes)) exports[name] = cls;
