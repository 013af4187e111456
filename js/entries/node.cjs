'use strict';
// Node and Bun, CommonJS (and, through node.mjs, ES modules). The .wasm bytes travel inside the
// JavaScript as base64 (wasm-inline.cjs), so a server bundle (Next.js, esbuild, webpack, Rollup,
// Vite SSR, bun build) carries them like any module; they are required and compiled on the first
// call, so importing the package does no work. core.cjs is the wasm-bindgen glue and the error
// classes bundled as CommonJS, so no Node version needs require(esm).
const core = require('./core.cjs');

let ready = false;

function init() {
  if (ready) return;
  try {
    const module = new WebAssembly.Module(require('./wasm-inline.cjs').wasmBytes());
    const instance = new WebAssembly.Instance(module, core.wasmImports);
    core.__wbg_set_wasm(instance.exports);
    if (instance.exports.__wbindgen_start) instance.exports.__wbindgen_start();
  } catch (err) {
    throw core.loadError('inline', err);
  }
  ready = true;
}

exports.getOutboundSyncConnections = async function getOutboundSyncConnections(options) {
  init();
  return core.getOutboundSyncConnections(options);
};
exports.getOutboundSyncMe = async function getOutboundSyncMe(options) {
  init();
  return core.getOutboundSyncMe(options);
};
exports.OutboundSyncError = core.OutboundSyncError;
exports.OutboundSyncConfigError = core.OutboundSyncConfigError;
exports.OutboundSyncAuthenticationError = core.OutboundSyncAuthenticationError;
exports.OutboundSyncPermissionError = core.OutboundSyncPermissionError;
exports.OutboundSyncRateLimitError = core.OutboundSyncRateLimitError;
exports.OutboundSyncServerError = core.OutboundSyncServerError;
exports.OutboundSyncResponseError = core.OutboundSyncResponseError;
exports.OutboundSyncConnectionError = core.OutboundSyncConnectionError;
exports.OutboundSyncTimeoutError = core.OutboundSyncTimeoutError;
exports.OutboundSyncAbortError = core.OutboundSyncAbortError;
