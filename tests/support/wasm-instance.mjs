// The package exposes no handle on its wasm instance (it instantiates on the first call), so
// tests and the benchmark that watch its linear memory catch the instance as it is created.
// Call before the package's first call; the wrapper stays in place and keeps the first one.
export function captureWasmInstance() {
  const Original = WebAssembly.Instance;
  let first;
  WebAssembly.Instance = function capture(module, imports) {
    const created = new Original(module, imports);
    first ??= created;
    return created;
  };
  return () => first;
}

/** The instance's linear memory. Its export's name is a short one scripts/short-names.mjs chose,
 * so it is found as the one export that is a WebAssembly.Memory. */
export function linearMemory(instance) {
  return Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
}
