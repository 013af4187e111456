// The error classes of the package, defined once. The Rust core builds every rejection
// through createError, so `instanceof` works against the classes users import.

export class OutboundSyncError extends Error {
  constructor(message, details = {}) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    this.code = details.code;
    this.status = details.status;
    this.retryable = details.retryable ?? false;
    this.attempts = details.attempts ?? 0;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.retryAfter = details.retryAfter;
    this.keyHint = details.keyHint;
    this.maybePlatformKey = details.maybePlatformKey;
    this.problem = details.problem;
  }
}

// Every class by name, for createError: each is added as it is defined, so this file lists them
// once (src/errors/client_error.rs has the same names; tests/pkg/one-source.test.mjs compares).
const classes = { OutboundSyncError };

// `name` is set on each prototype rather than read from the class, so minifiers that
// rename classes cannot change what users see.
function define(name) {
  const cls = { [name]: class extends OutboundSyncError {} }[name];
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  classes[name] = cls;
  return cls;
}
Object.defineProperty(OutboundSyncError.prototype, 'name', { value: 'OutboundSyncError', writable: true, configurable: true });

export const OutboundSyncConfigError = define('OutboundSyncConfigError');
export const OutboundSyncAuthenticationError = define('OutboundSyncAuthenticationError');
export const OutboundSyncPermissionError = define('OutboundSyncPermissionError');
export const OutboundSyncRateLimitError = define('OutboundSyncRateLimitError');
export const OutboundSyncServerError = define('OutboundSyncServerError');
export const OutboundSyncResponseError = define('OutboundSyncResponseError');
export const OutboundSyncConnectionError = define('OutboundSyncConnectionError');
export const OutboundSyncTimeoutError = define('OutboundSyncTimeoutError');
export const OutboundSyncAbortError = define('OutboundSyncAbortError');

export function createError(className, message, details) {
  const cls = classes[className] ?? OutboundSyncError;
  return new cls(message, details);
}

export function errorClass(className) {
  return classes[className];
}

// What each loader tried when the .wasm would not load, and what fixes it: every such sentence
// users read, in one place (as Rust's are in src/errors/messages.rs).
const LOAD_FAILURES = {
  inline: [
    'compiling the WebAssembly bytes built into the package\'s JavaScript',
    'This runtime must allow WebAssembly (not Node.js with --jitless, nor a policy that forbids compiling it).',
  ],
  fetch: [
    'fetching outboundsync_browser_bg.wasm from beside the module and compiling it',
    'Serve that file next to the bundle: Vite, webpack, Rspack and Parcel emit it; with esbuild, Rollup or bun build, copy node_modules/outboundsync/outboundsync_browser_bg.wasm there. A Content-Security-Policy must allow \'wasm-unsafe-eval\'.',
  ],
  extension: [
    'fetching outboundsync_browser_bg.wasm from the extension\'s root (runtime.getURL) and compiling it',
    'A content script loads the .wasm from its extension, never from the visited site: copy node_modules/outboundsync/outboundsync_browser_bg.wasm to the extension\'s root (where runtime.getURL(\'outboundsync_browser_bg.wasm\') points) and list it in manifest.json\'s web_accessible_resources for the pages the script runs on: "web_accessible_resources": [{ "resources": ["outboundsync_browser_bg.wasm"], "matches": [the content script\'s matches] }].',
  ],
  deno: [
    'reading outboundsync_core_bg.wasm from the package folder and compiling it',
    'Give Deno read permission for the package folder (--allow-read).',
  ],
  edgeLight: [
    'instantiating the WebAssembly.Module the bundler imported',
    'The bundle must import outboundsync_core_bg.wasm?module as Next.js does for the edge runtime; rebuild it.',
  ],
  workerd: [
    'instantiating the WebAssembly.Module imported from outboundsync_core_bg.wasm',
    'Bundle the Worker with wrangler, which uploads the .wasm as a module beside the script.',
  ],
};

// Causes outside the package, recognised in what the engine threw: each names itself and its
// one-line fix before what was tried. Chromium's CompileError quotes the 'unsafe-eval' (or
// 'wasm-unsafe-eval') source it misses; Firefox's says the call was "blocked by CSP".
const OUTSIDE_CAUSES = [
  {
    test: /wasm-unsafe-eval|'unsafe-eval'|blocked by CSP|Content.Security.Policy/i,
    text: 'a Content-Security-Policy forbids compiling WebAssembly here. Add \'wasm-unsafe-eval\' to its script-src (in a Chrome extension\'s manifest.json: "content_security_policy": { "extension_pages": "script-src \'self\' \'wasm-unsafe-eval\'; object-src \'self\'" }).',
  },
];

/** The .wasm could not be loaded or instantiated by `loader` (a key of LOAD_FAILURES). Built here
 * rather than in Rust, since Rust is what failed to load. `retryable`: the loader forgets the
 * failure, so the next call tries again (a page's network may come back). */
export function loadError(loader, cause) {
  const [tried, advice] = LOAD_FAILURES[loader];
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const outside = OUTSIDE_CAUSES.find((c) => c.test.test(reason));
  const message = outside
    ? `outboundsync could not load its WebAssembly module: ${outside.text} (${tried} failed: ${reason.replace(/\.+$/, '')}.) The next call tries again.`
    : `outboundsync could not load its WebAssembly module: ${tried} failed (${reason}). ${advice} The next call tries again.`;
  return new OutboundSyncError(message, { code: 'wasm_load_failed', retryable: true, cause });
}
