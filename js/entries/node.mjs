// Node and Bun, ES modules: the CommonJS entry itself, so `import` and `require` in one
// process share one wasm instance and one set of error classes.
import cjs from './node.cjs';

export const {
  getOutboundSyncConnections,
  getOutboundSyncMe,
  OutboundSyncError,
  OutboundSyncConfigError,
  OutboundSyncAuthenticationError,
  OutboundSyncPermissionError,
  OutboundSyncRateLimitError,
  OutboundSyncServerError,
  OutboundSyncResponseError,
  OutboundSyncConnectionError,
  OutboundSyncTimeoutError,
  OutboundSyncAbortError,
} = cjs;
