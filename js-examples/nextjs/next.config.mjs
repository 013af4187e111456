// On the Node.js runtime, Next.js bundles server code, and the package's Node entry, bundled,
// no longer finds the .wasm it reads from beside itself: leave it to Node to load from
// node_modules. Edge routes and middleware bundle it either way (the .wasm as a module).
export default { serverExternalPackages: ['outboundsync'] };
