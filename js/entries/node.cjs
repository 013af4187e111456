'use strict';
// Node and Bun, CommonJS (and, through node.mjs, ES modules): the .wasm is read from next to
// this file, synchronously, on the first call. core.cjs is the wasm-bindgen glue and the
// error classes bundled as CommonJS, so no Node version needs require(esm).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const core = require('./core.cjs');

let ready = false;

function init() {
  if (ready) return;
  const module = new WebAssembly.Module(readFileSync(join(__dirname, 'outboundsync_core_bg.wasm')));
  const instance = new WebAssembly.Instance(module, core.wasmImports);
  core.__wbg_set_wasm(instance.exports);
  if (instance.exports.__wbindgen_start) instance.exports.__wbindgen_start();
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
