'use client';
// The README's line for Next.js client components: React's preload of the .wasm's URL, which
// the server render writes into the page's <head>, so the download starts with the page.
import { preload } from 'react-dom';
import wasmUrl from 'outboundsync/wasm-url';
import { getOutboundSyncConnections } from 'outboundsync';

export default function Probe() {
  preload(wasmUrl, { as: 'fetch', crossOrigin: 'anonymous', type: 'application/wasm' });
  if (typeof window !== 'undefined') {
    window.probe = async ({ good, baseUrl }) => (await getOutboundSyncConnections({ apiKey: good, baseUrl, dangerouslyAllowBrowser: true })).map((c) => c.id);
  }
  return <p>probe</p>;
}
