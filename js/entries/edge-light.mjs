// Vercel Edge and Next.js's edge runtime: `?module` asks for a compiled WebAssembly.Module.
import wasm from './outboundsync_core_bg.wasm?module';
import { createApi } from './api.mjs';

export {
  OutboundSyncError, OutboundSyncConfigError, OutboundSyncAuthenticationError, OutboundSyncPermissionError, OutboundSyncRateLimitError,
  OutboundSyncServerError, OutboundSyncResponseError, OutboundSyncConnectionError, OutboundSyncTimeoutError, OutboundSyncAbortError,
} from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi((imports) => new WebAssembly.Instance(wasm, imports), 'edgeLight');
