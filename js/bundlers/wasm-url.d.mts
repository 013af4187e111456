/**
 * The URL of the `.wasm` the `browser` entry downloads, as the page's bundler emits it, for a
 * preload the page writes:
 *
 * ```js
 * 'use client';
 * import { preload } from 'react-dom';
 * import wasmUrl from 'outboundsync/wasm-url';
 * preload(wasmUrl, { as: 'fetch', crossOrigin: 'anonymous', type: 'application/wasm' });
 * ```
 */
declare const wasmUrl: string;
export default wasmUrl;
