// What the runtime offers, found through `globalThis` only: Node, Deno, Bun, workers and edge
// runtimes have no `window`. Every read may throw (a runtime denying access); that reads as
// "not there".

// A variable of the environment: `process.env` (Node, Bun, Deno 2), then `Deno.env` (Deno
// without the Node globals).
export function envVar(name) {
  const fromProcess = attempt(() => globalThis.process?.env?.[name]);
  if (typeof fromProcess === 'string') return fromProcess;
  const fromDeno = attempt(() => globalThis.Deno?.env?.get(name));
  return typeof fromDeno === 'string' ? fromDeno : undefined;
}

// A browser page, where a key in the code is exposed to every visitor. Workers and edge
// runtimes have no `window` and `document`; nothing is ever called on them.
export function isBrowserPage() {
  return attempt(() => globalThis.window != null && globalThis.document != null) === true;
}

export function globalFetch() {
  const fetch = attempt(() => globalThis.fetch);
  return typeof fetch === 'function' ? fetch : undefined;
}

function attempt(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}
