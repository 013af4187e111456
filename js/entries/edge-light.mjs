// Vercel Edge and Next.js's edge runtime: `?module` asks for a compiled WebAssembly.Module.
import wasm from './outboundsync_core_bg.wasm?module';
import { createApi } from './api.mjs';
import * as glue from './glue.mjs';

export * from './classes.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(glue, (imports) => new WebAssembly.Instance(wasm, imports), 'edgeLight');
