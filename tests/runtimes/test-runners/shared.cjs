// What the test suites in this folder share, as a project's own test helpers would: the
// documented body and its result, a fake key, and a Response made fresh for each call (a body
// can be read once). They are the suites of a project that uses outboundsync, run by Jest and
// Vitest from the packed package (../test-runners.test.mjs).
const CONNECTIONS = [
  { id: 7, crm: 'HUBSPOT', organizationId: '123', organizationDomain: 'acme.com' },
  { id: 9, crm: 'HUBSPOT', organizationId: null, organizationDomain: null },
];
const BODY = JSON.stringify({
  account: { id: 42, email: 'you@company.com' },
  apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
  connections: CONNECTIONS,
});

// Nothing listens there (a privileged port with no service; not one of fetch's blocked ports, which
// fail before any mock sees the request): a request a mock misses is refused, on this machine.
const NOWHERE = 'http://127.0.0.1:2';

/** A call's options: the mock's `fetch` if any; `dangerouslyAllowBrowser` where the environment
 * is a page (jsdom, happy-dom), as a browser tool's tests pass it. */
function options(extra = {}) {
  const page = typeof window !== 'undefined';
  return { apiKey: 'osapi_test_runner_key_0001', baseUrl: NOWHERE, ...(page && { dangerouslyAllowBrowser: true }), ...extra };
}

/** A new Response. Jest's jsdom environment has no Response global; there any object with
 * `status`, `headers.get` and `arrayBuffer` does. */
function respond(status, text = '', headers = {}) {
  if (typeof Response === 'function') return new Response(text, { status, headers });
  const bytes = Buffer.from(text);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: { get: (name) => lower[name.toLowerCase()] ?? null }, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) };
}

/** A fetch that answers only when its signal aborts (then rejects as fetch does). */
function hangingFetch(url, init) {
  return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
}

module.exports = { BODY, CONNECTIONS, NOWHERE, options, respond, hangingFetch };
