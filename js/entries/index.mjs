// Any other ES module runtime or bundler, servers above all: the .wasm bytes travel inside the
// JavaScript (wasm-inline.mjs), since a server bundle does not carry a file read from beside a
// module. Pages get browser.mjs, which fetches the .wasm instead.
import { wasmBytes } from './wasm-inline.mjs';
import { createApi } from './api.mjs';

export {
  OutboundSyncError, OutboundSyncConfigError, OutboundSyncAuthenticationError, OutboundSyncPermissionError, OutboundSyncRateLimitError,
  OutboundSyncServerError, OutboundSyncResponseError, OutboundSyncConnectionError, OutboundSyncTimeoutError, OutboundSyncAbortError,
} from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(async (imports) => (await WebAssembly.instantiate(wasmBytes(), imports)).instance, 'inline');
