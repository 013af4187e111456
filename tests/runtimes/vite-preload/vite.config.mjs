// Four pages built together with outboundsync/vite (tests/runtimes/browsers.test.mjs): only the
// pages whose entry imports the package statically get the .wasm's preload.
import outboundsync from 'outboundsync/vite';

export default {
  plugins: [outboundsync()],
  build: { rolldownOptions: { input: ['index.html', 'plain.html', 'lazy.html', 'nested/page.html'] } },
};
