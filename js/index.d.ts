// Types for the outboundsync package. The result types come from the Rust model (see the
// marker below); the error classes and codes are the package's stable contract.

// @model: the result types, generated from src/body/model.rs (tsify) by scripts/assemble-pkg.mjs.

/** What the client hands to `fetch`: only what every runtime (workerd included) accepts. */
export interface OutboundSyncRequestInit {
  method: 'GET';
  headers: { Authorization: string; Accept: 'application/json' };
  redirect: 'manual';
  signal: AbortSignal;
}

/** The part of a fetch Response the client reads. */
export interface OutboundSyncResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type OutboundSyncFetch = (url: string, init: OutboundSyncRequestInit) => Promise<OutboundSyncResponseLike>;

/** Each level logs its own lines and those of the levels before it. */
export type OutboundSyncLogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** console, pino, winston, or anything with these four methods; each gets one line of text. */
export interface OutboundSyncLogger {
  /** Each attempt: URL, status, x-request-id, duration and body size. */
  debug(message: string): unknown;
  /** Cache and cacheStore hits, shared requests, calls held back by a remembered 429, waits for another instance's request. */
  info(message: string): unknown;
  /** Each retry, with its cause and wait; a stale result served; a cacheStore value ignored; a cacheStore that fails, once per operation until it works again (unless logLevel is 'off'). */
  warn(message: string): unknown;
  /** The call's final error: its code and message. */
  error(message: string): unknown;
}

/** A store with `get(key)` and `set(key, value, ttlMs)`, returning values or promises: a Keyv instance, cache-manager, an LRUCache (given `{ ttl }`), an unstorage storage (`setItem` with `{ ttl }`). A `Map`, ioredis, node-redis and Deno KV are refused with the adapter to pass. */
export interface OutboundSyncKeyValueStore {
  get(key: string): unknown;
  set(key: string, value: string, ttlMs: number): unknown;
}

/** A Cloudflare KV namespace binding, as it is. */
export interface OutboundSyncKvNamespace {
  get(key: string): unknown;
  put(key: string, value: string, options: { expirationTtl: number }): unknown;
}

/**
 * Where instances share results and 429 windows. It holds the account email, the key's name and
 * scopes, and the connection list, under a SHA-256 digest of the base URL and key (never the key).
 * What it returns is checked like a server's answer; a store that fails or takes over 1 s is skipped.
 */
export type OutboundSyncCacheStore = OutboundSyncKeyValueStore | OutboundSyncKvNamespace;

export interface OutboundSyncOptions {
  /** Default: OUTBOUNDSYNC_API_KEY from the environment (process.env, or Deno.env when permitted). */
  apiKey?: string | null;
  /** Default: OUTBOUNDSYNC_BASE_URL, else https://app.outboundsync.com. Plain http: only for loopback hosts. */
  baseUrl?: string | null;
  /** Default: the global fetch. */
  fetch?: OutboundSyncFetch | null;
  /** Per attempt, covering headers and body. Default: 30000. */
  timeoutMs?: number | null;
  /** Retries of 429, 5xx, network errors and timeouts. Default: 2 (at most 10). */
  maxRetries?: number | null;
  /**
   * Reuse a successful result for the same base URL and key for this many milliseconds, share
   * one request among concurrent calls, and hold calls back while a 429's Retry-After lasts.
   * A whole number up to 86400000 (24 hours). Default: 0 (off).
   */
  cacheTtlMs?: number | null;
  /**
   * Share results and 429 windows across instances (processes, isolates) through this store. Needs cacheTtlMs above 0.
   * Not in the browser build (pages, workers, extensions that `import` the package), which refuses it with `invalid_option`; CommonJS under the `browser` condition (Jest's jsdom, `require` in a page bundle) loads the full build and takes it.
   */
  cacheStore?: OutboundSyncCacheStore | null;
  /**
   * With cacheTtlMs: when the API answers 429 or 5xx, times out or cannot be reached, return the
   * last good result if it is no older than cacheTtlMs + staleIfErrorMs (one warn line) instead
   * of failing. Never after a 401 or 403. A whole number up to 86400000 (24 hours). Default: 0 (off).
   * Not in the browser build (pages, workers, extensions that `import` the package), which refuses any value above 0 with `invalid_option`; CommonJS under the `browser` condition loads the full build and takes it.
   */
  staleIfErrorMs?: number | null;
  /** What to log. Default: OUTBOUNDSYNC_LOG from the environment, else 'off'. */
  logLevel?: OutboundSyncLogLevel | null;
  /** Where log lines go. Default: console. Never given the key; whatever it throws is ignored. */
  logger?: OutboundSyncLogger | null;
  /** Cancels the request and any wait between retries. */
  signal?: AbortSignal | null;
  /** Allow calls from a browser page, where visitors could read the key. Default: false. */
  dangerouslyAllowBrowser?: boolean | null;
}

/** The connections the key can reach. An empty array is a result, not an error. */
export declare function getOutboundSyncConnections(options?: string | OutboundSyncOptions): Promise<Connection[]>;

/** The account, the key's metadata and the connections it can reach. */
export declare function getOutboundSyncMe(options?: string | OutboundSyncOptions): Promise<OutboundSyncMe>;

/** The WebAssembly module of the package could not be loaded or instantiated (thrown as OutboundSyncError itself). The next call tries again. */
export type OutboundSyncLoadErrorCode = 'wasm_load_failed';
// @errors: the code unions and the error classes, written here from src/errors/client_error.rs by scripts/assemble-pkg.mjs.

export interface OutboundSyncErrorDetails {
  code?: OutboundSyncErrorCode;
  status?: number;
  retryable?: boolean;
  attempts?: number;
  serverMessage?: string;
  requestId?: string;
  retryAfter?: number;
  keyHint?: string;
  maybePlatformKey?: boolean;
  problem?: string;
  cause?: unknown;
}

export declare class OutboundSyncError extends Error {
  constructor(message: string, details?: OutboundSyncErrorDetails);
  /** Stable machine-readable code. */
  code: OutboundSyncErrorCode;
  /** HTTP status, when there was a response. */
  status: number | undefined;
  /** Whether the same call may succeed later. */
  retryable: boolean;
  /** HTTP attempts made. */
  attempts: number;
  /** The error body's `message`, when there was one. */
  serverMessage: string | undefined;
  /** The `x-request-id` response header, when present. */
  requestId: string | undefined;
  /** Seconds the server asked to wait (rate limits). */
  retryAfter: number | undefined;
  /** The key's last four characters, like `osapi_…a1b2`; never the key. */
  keyHint: string | undefined;
  /** `unauthorized`: true when the key does not start with `osapi_`, so it may be a platform key. */
  maybePlatformKey: boolean | undefined;
  /** `invalid_response`: what is wrong with the body, like `connections[3].id should be a number but is a string`. */
  problem: string | undefined;
  cause?: unknown;
}
