// Vercel Edge and Next.js's edge runtime: `?module` asks for a compiled WebAssembly.Module.
import wasm from './outboundsync_core_bg.wasm?module';
import { createApi } from './api.mjs';
import * as build from './wasm-full.mjs';

export * from './classes.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(build, (imports) => new WebAssembly.Instance(wasm, imports), 'edgeLight');
