// Deno: the .wasm is read from next to this file (needs read permission for it, as any
// npm package with files does).
import { createApi } from './api.mjs';
import * as glue from './glue.mjs';

export * from './classes.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(glue, async (imports) => {
  const bytes = await Deno.readFile(new URL('./outboundsync_core_bg.wasm', import.meta.url));
  return (await WebAssembly.instantiate(bytes, imports)).instance;
}, 'deno');
