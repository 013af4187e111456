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

// `name` is set on each prototype rather than read from the class, so minifiers that
// rename classes cannot change what users see.
function define(name) {
  const cls = { [name]: class extends OutboundSyncError {} }[name];
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
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

const classes = {
  OutboundSyncError,
  OutboundSyncConfigError,
  OutboundSyncAuthenticationError,
  OutboundSyncPermissionError,
  OutboundSyncRateLimitError,
  OutboundSyncServerError,
  OutboundSyncResponseError,
  OutboundSyncConnectionError,
  OutboundSyncTimeoutError,
  OutboundSyncAbortError,
};

export function createError(className, message, details) {
  const cls = classes[className] ?? OutboundSyncError;
  return new cls(message, details);
}

export function errorClass(className) {
  return classes[className];
}

/** The .wasm could not be loaded or instantiated. Built here rather than in Rust, since Rust is
 * what failed to load; the loader that failed says what it tried and what fixes it. */
export function loadError(tried, advice, cause) {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const message = `outboundsync could not load its WebAssembly module: ${tried} failed (${reason}). ${advice} The next call tries again.`;
  return new OutboundSyncError(message, { code: 'wasm_load_failed', cause });
}
