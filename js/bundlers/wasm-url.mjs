// `outboundsync/wasm-url`: the URL of the .wasm the `browser` entry downloads, as the page's
// bundler emits it (webpack, Turbopack and Vite replace `new URL('./…', import.meta.url)` with
// the emitted file's URL, the same one the entry fetches), for a page that writes its own
// preload, such as a Next.js client component calling React's `preload`.
export default new URL('./outboundsync_browser_bg.wasm', import.meta.url).href;
