// `npx vite build` bundles the page into dist/. The plugin adds a preload of the package's
// .wasm to the built index.html, so its download starts with the page, not after the script.
import outboundsync from 'outboundsync/vite';

export default {
  plugins: [outboundsync()],
};
