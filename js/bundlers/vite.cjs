'use strict';
// `outboundsync/vite`: a Vite plugin that starts the page's download of the .wasm with the page.
// The `browser` entry fetches the .wasm when it is evaluated, which is only once its script has
// arrived; a `<link rel="preload">` in the HTML starts it with the script instead. Vite emits
// the .wasm under a hashed name no one can write by hand, so in `vite build` this plugin adds
//   <link rel="preload" href="<the emitted .wasm>" as="fetch" type="application/wasm" crossorigin>
// to every HTML page whose entry imports the package (statically: a dynamic import or a worker
// loads it later, or elsewhere, and a preload would only compete with the page). `as="fetch"`
// with `crossorigin` is the request the entry's own `fetch(url)` makes (mode cors, same-origin
// credentials), so the browser hands that fetch the preloaded response. In dev (`vite`), it does
// nothing: the dev server serves the package as it is.
// CommonJS, so `require` and `import` both load it on every Node the package supports; vite.mjs
// re-exports it for `import`.
const { realpathSync } = require('node:fs');
const { join, posix, resolve } = require('node:path');

const WASM = join(__dirname, 'outboundsync_browser_bg.wasm');

const real = (path) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** @returns {import('vite').Plugin} */
function outboundsync() {
  let config;
  const ours = real(WASM);
  return {
    name: 'outboundsync',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { path, bundle, chunk }) {
        if (!bundle || !chunk) return undefined;
        // The .wasm as this build emitted it: the asset whose source file is ours.
        const emitted = new Set(
          Object.values(bundle)
            .filter((file) => file.type === 'asset' && sources(file).some((name) => real(resolve(config.root, name)) === ours))
            .map((file) => file.fileName),
        );
        const file = emitted.size ? staticGraphAsset(chunk, bundle, emitted) : undefined;
        if (!file) return undefined;
        return [{ tag: 'link', attrs: { rel: 'preload', href: href(config.base, path, file), as: 'fetch', type: 'application/wasm', crossorigin: true }, injectTo: 'head-prepend' }];
      },
    },
  };
}

/** The files an emitted asset was made from, relative to the root (Rollup 4.26+ and Rolldown
 * list them all; earlier Rollup 4 names one). */
function sources(asset) {
  return asset.originalFileNames?.length ? asset.originalFileNames : [asset.originalFileName].filter(Boolean);
}

/** The first of `wanted` that a chunk of `entry`'s static import graph refers to (Vite records
 * a chunk's `new URL(..., import.meta.url)` assets in viteMetadata.importedAssets). */
function staticGraphAsset(entry, bundle, wanted) {
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const chunk = queue.shift();
    for (const asset of chunk.viteMetadata?.importedAssets ?? []) if (wanted.has(asset)) return asset;
    for (const name of chunk.imports ?? []) {
      const next = bundle[name];
      if (next?.type === 'chunk' && !seen.has(name)) {
        seen.add(name);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** The asset's URL as the page at `page` (its path in the output, `/sub/index.html`) refers
 * to it: below `base`, or relative to the page where `base` is relative (`./` or empty). */
function href(base, page, file) {
  if (base === '' || base === './') return posix.relative(posix.dirname(page.replace(/^\//, '')), file) || file;
  return `${base.endsWith('/') ? base : `${base}/`}${file}`;
}

module.exports = outboundsync;
