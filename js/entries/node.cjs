'use strict';
// Node and Bun, CommonJS (and, through node.mjs, ES modules). The .wasm bytes travel inside the
// JavaScript, deflated, as base64 (wasm-inline.cjs), so a server bundle (Next.js, esbuild,
// webpack, Rollup, Vite SSR, bun build) carries them like any module; they are required,
// inflated and compiled on the first call, so importing the package does no work. core.cjs is
// the wasm-bindgen glue, the error classes and the loader every ES entry uses (api.mjs), bundled
// as CommonJS, so no Node version needs require(esm).
const core = require('./core.cjs');

const api = core.createApi(core.glue, (imports) => new WebAssembly.Instance(new WebAssembly.Module(require('./wasm-inline.cjs').wasmBytes()), imports), 'inline');

exports.getOutboundSyncConnections = api.getOutboundSyncConnections;
exports.getOutboundSyncMe = api.getOutboundSyncMe;
for (const [name, cls] of Object.entries(core.classes)) exports[name] = cls;
