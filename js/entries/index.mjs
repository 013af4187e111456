// Any other ES module runtime or bundler, servers above all: the .wasm bytes travel inside the
// JavaScript, since a server bundle does not carry a file read from beside a module. They are
// node.cjs's CommonJS wasm-inline.cjs, so the package holds them once: every bundler that reaches
// this file also converts CommonJS (Rollup with its commonjs plugin, as node.cjs needs). They are
// inflated by node:zlib where the runtime lends it, else by fflate's inflater (inflate.cjs), which
// runs anywhere. Pages get browser.mjs, which fetches the .wasm instead.
import inline from './wasm-inline.cjs';
import { createApi } from './api.mjs';
import * as glue from './glue.mjs';

export * from './classes.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(glue, async (imports) => (await WebAssembly.instantiate(inline.wasmBytes(), imports)).instance, 'inline');
