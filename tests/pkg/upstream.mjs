// A loopback stand-in for GET /api/v1/me (other paths: 404) whose answers a test scripts one
// request at a time, and which records what it saw: how many requests per key, and which ones
// the client gave up on. The workerd test (tests/runtimes/workers.test.mjs) uses it too.
import http from 'node:http';

export const ME = {
  account: { id: 42, email: null },
  apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
  connections: [
    { id: 7, crm: 'HUBSPOT', organizationId: '12345678', organizationDomain: 'acme.example' },
    { id: 8, crm: 'SALESFORCE', organizationId: null, organizationDomain: null },
  ],
};

/**
 * `answer(request)` returns `{ status, body, headers, delayMs }` (defaults: 200, ME, none, 0).
 * `requests` lists `{ key, cancelled }` per request; `cancelled` turns true when the client
 * closed the connection before the answer.
 */
export async function startUpstream(answer = () => ({})) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const seen = { key, cancelled: false };
    requests.push(seen);
    const { status = 200, body = ME, headers = {}, delayMs = 0 } = answer(seen, requests.length) ?? {};
    res.on('close', () => {
      if (!res.writableFinished) seen.cancelled = true;
    });
    setTimeout(() => {
      if (seen.cancelled) return;
      if (req.method !== 'GET' || new URL(req.url, 'http://upstream.invalid').pathname !== '/api/v1/me') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        return res.end('{"statusCode":404,"message":"Not Found"}');
      }
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': `req_up_${requests.length}`, ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    count: (key) => requests.filter((r) => key === undefined || r.key === key).length,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** Runs `fn(upstream)` against an upstream of its own, stopped afterwards. */
export async function withUpstream(answer, fn) {
  const upstream = await startUpstream(answer);
  try {
    return await fn(upstream);
  } finally {
    await upstream.stop();
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check()` is true, polling; rejects after `ms`. */
export async function until(check, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
