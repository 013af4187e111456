// Cloudflare Workers (workerd): the runtime compiles no wasm from bytes, so the .wasm is
// imported as a module, which wrangler and workerd hand over as a WebAssembly.Module.
import wasm from './outboundsync_core_bg.wasm';
import { createApi } from './api.mjs';
import * as glue from './glue.mjs';

export * from './classes.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(glue, (imports) => new WebAssembly.Instance(wasm, imports), 'workerd');
