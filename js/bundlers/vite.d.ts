import type { Plugin } from 'vite';

/**
 * Vite plugin: in `vite build`, adds `<link rel="preload" as="fetch" type="application/wasm" crossorigin>`
 * for the package's emitted `.wasm` to every HTML page whose entry imports `outboundsync`, so the
 * download starts with the page instead of after its script. Does nothing in dev.
 */
declare function outboundsync(): Plugin;
export = outboundsync;
