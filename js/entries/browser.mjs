// Browsers and bundlers for pages: the .wasm is fetched from a URL relative to this module, the
// form Vite and webpack turn into an emitted asset, and compiled as it streams in.
import { createApi } from './api.mjs';

export {
  OutboundSyncError, OutboundSyncConfigError, OutboundSyncAuthenticationError, OutboundSyncPermissionError, OutboundSyncRateLimitError,
  OutboundSyncServerError, OutboundSyncResponseError, OutboundSyncConnectionError, OutboundSyncTimeoutError, OutboundSyncAbortError,
} from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(async (imports) => {
  const url = new URL('./outboundsync_core_bg.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  const streaming = response.headers.get('content-type')?.startsWith('application/wasm') && WebAssembly.instantiateStreaming;
  const { instance } = streaming ? await WebAssembly.instantiateStreaming(response, imports) : await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
}, 'fetch');
