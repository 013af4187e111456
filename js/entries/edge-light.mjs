// Vercel Edge and Next.js's edge runtime: `?module` asks for a compiled WebAssembly.Module.
import wasm from './outboundsync_core_bg.wasm?module';
import { createApi } from './api.mjs';

export {
  OutboundSyncError, OutboundSyncConfigError, OutboundSyncAuthenticationError, OutboundSyncPermissionError, OutboundSyncRateLimitError,
  OutboundSyncServerError, OutboundSyncResponseError, OutboundSyncConnectionError, OutboundSyncTimeoutError, OutboundSyncAbortError,
} from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi((imports) => new WebAssembly.Instance(wasm, imports), {
  tried: 'instantiating the WebAssembly.Module the bundler imported',
  advice: 'The bundle must import outboundsync_core_bg.wasm?module as Next.js does for the edge runtime; rebuild it.',
});
