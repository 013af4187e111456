// Any other ES module runtime or bundler: fetch the .wasm from next to this module, or read
// it from disk where that URL is a file (fetch cannot read file: URLs in Node).
import { createApi } from './api.mjs';

export * from './errors.mjs';
export const { getOutboundSyncConnections, getOutboundSyncMe } = createApi(async (imports) => {
  const url = new URL('./outboundsync_core_bg.wasm', import.meta.url);
  let bytes;
  if (url.protocol === 'file:') {
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    bytes = await fs.readFile(url);
  } else {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`outboundsync: could not load its .wasm (HTTP ${response.status})`);
    bytes = await response.arrayBuffer();
  }
  return (await WebAssembly.instantiate(bytes, imports)).instance;
});
