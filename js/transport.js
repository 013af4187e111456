// The one place that calls `fetch`, with the timer and abort wiring around one attempt. The Rust
// core decides what a reply means; this only reports what happened, as one plain object. The
// promise rejects only if setting the attempt up throws (no AbortController in the runtime).
//
// The request init sets only method, headers, redirect and signal: workerd throws on
// unsupported `cache` values and on `redirect: 'error'`, so redirects are refused with
// 'manual' (Node then returns the real 3xx, browsers an `opaqueredirect` with status 0).

export const RESPONSE = 0; // status, requestId, retryAfter, body (absent for redirects)
export const FAILED = 1; //   fetch or the body read rejected, or fetch gave no Response: cause, detail
export const TIMED_OUT = 2;
export const ABORTED = 3; //  the caller's signal fired

// AbortControllers whose signal never fired, kept for later attempts: creating the signal is the
// largest fixed cost of an attempt in Node. Each is reused a bounded number of times, because
// some fetch implementations (undici) leave one listener per request on the signal until the
// request is garbage-collected.
const spare = [];
const MAX_SPARE = 8;
const MAX_USES = 64;

export function send(fetchFn, url, authorization, timeoutMs, signal) {
  return new Promise((resolve) => {
    const slot = spare.pop() ?? { controller: new AbortController(), uses: 0 };
    const { controller } = slot;
    let open = true;
    const end = (reply) => {
      if (!open) return;
      open = false;
      resolve(reply);
      clearTimeout(timer);
      quietly(() => signal?.removeEventListener('abort', onAbort));
      if (!controller.signal.aborted && ++slot.uses < MAX_USES && spare.length < MAX_SPARE) spare.push(slot);
    };
    // Aborting first keeps this controller out of `spare`; `end` then ignores the rejection
    // that fetch (or the body read) reports for it.
    const stop = (kind) => {
      controller.abort();
      end({ kind });
    };
    const onAbort = () => stop(ABORTED);
    const failed = (cause, detail = describe(cause)) => end({ kind: FAILED, cause, detail });
    const timer = setTimeout(stop, timeoutMs, TIMED_OUT);
    // A signal-like object that cannot be listened to still has its `aborted` checked between
    // attempts.
    quietly(() => signal?.addEventListener('abort', onAbort));
    const init = {
      method: 'GET',
      headers: { Authorization: authorization, Accept: 'application/json' },
      redirect: 'manual',
      signal: controller.signal,
    };
    let request;
    try {
      request = Promise.resolve(fetchFn.call(globalThis, url, init));
    } catch (error) {
      failed(error);
      return;
    }
    request.then((response) => {
      const status = statusOf(response);
      if (status === undefined) return failed(response, 'fetch did not resolve to a Response');
      const head = { kind: RESPONSE, status, requestId: header(response, 'x-request-id'), retryAfter: header(response, 'retry-after') };
      // A redirect's body (status::is_redirect in the core) is never read: it is not ours to
      // trust, and browsers hide it anyway.
      if (status === 0 || (status >= 300 && status < 400)) return end(head);
      return response.arrayBuffer().then((buffer) => {
        head.body = new Uint8Array(buffer);
        end(head);
      });
    }).catch(failed);
  });
}

// Waits `ms`, or less if the caller's signal fires; the caller checks `signal.aborted`.
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      quietly(() => signal?.removeEventListener('abort', done));
      resolve();
    };
    const timer = setTimeout(done, ms);
    quietly(() => signal?.addEventListener('abort', done));
  });
}

// A caller's signal is duck-typed (a polyfill, another realm): its listener methods may throw,
// and that must neither stop an attempt from settling nor escape from a timer.
function quietly(action) {
  try {
    action();
  } catch {
    // nothing to undo
  }
}

let decoder;

// The result object, from bytes the core has checked: decoded as `Response.text()` would.
export function parseJsonBytes(bytes) {
  decoder ??= new TextDecoder();
  return JSON.parse(decoder.decode(bytes));
}

function statusOf(response) {
  try {
    const status = response.status;
    return Number.isInteger(status) && status >= 0 && status <= 999 ? status : undefined;
  } catch {
    return undefined;
  }
}

function header(response, name) {
  try {
    return text(response.headers.get(name));
  } catch {
    return undefined;
  }
}

// Node's fetch rejects with "fetch failed" and keeps the useful part in `cause`
// (ECONNREFUSED, "bad port"); browsers only give a message. The core cleans and redacts it.
function describe(error) {
  try {
    const cause = error?.cause;
    const fromCause = cause !== null && typeof cause === 'object' ? text(cause.code) ?? text(cause.message) : undefined;
    return fromCause ?? text(error?.message);
  } catch {
    return undefined;
  }
}

const text = (value) => (typeof value === 'string' ? value : undefined);
