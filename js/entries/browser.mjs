// Browsers and bundlers: the .wasm is fetched from a URL relative to this module, the form
// Vite and webpack turn into an emitted asset.
import { createApi } from './api.mjs';

export * from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(async (imports) => {
  const response = await fetch(new URL('./outboundsync_core_bg.wasm', import.meta.url));
  if (!response.ok) throw new Error(`outboundsync: could not load its .wasm (HTTP ${response.status})`);
  const streaming = response.headers.get('content-type')?.startsWith('application/wasm') && WebAssembly.instantiateStreaming;
  const { instance } = streaming ? await WebAssembly.instantiateStreaming(response, imports) : await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
});
