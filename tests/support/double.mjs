#!/usr/bin/env node
// A local stand-in for the OutboundSync API v1, with no dependencies. It behaves as the docs
// say (shared/docs/outboundsync-api.md) for GET /api/v1/me, and adds test-only routes:
//
//   /__scenario/<id>/<steps>/api/v1/me   scripted answers: each request to <id> takes the next
//                                        comma-separated step, the last step repeats
//   GET  /__double/count/<id>            how many requests scenario <id> has seen
//   POST /__double/reset                 forget rate-limit windows and scenario counters
//   POST /__double/note                  keep the request's body in `notes` (a client under test
//                                        reporting what it is doing, as it does it)
//   GET  /__double/health
//
// From a test, `startDouble({ answer })` scripts /api/v1/me one request at a time instead:
// `answer({ key }, n)` returns `{ status, body, headers, delayMs, after }` (defaults: 200, ME,
// none, 0, none) for any key; `after`, a promise, holds the answer until it resolves (a test
// releases it on an event rather than after a time). Either way `requests` lists `{ key, cancelled }` per /api/v1/me request
// (`cancelled` turns true when the client closed the connection before the answer).
//
// Steps: `ok` (answer as the real endpoint would), a status (`500`), a status with options
// (`429:ra=2`, `503:html`, `500:empty`, `301:loc=URL`, `200:body=NAME`, `429:radate=5`,
// `200:json=URL-ENCODED-BODY`), or
// `hang` (never answer), `stall` (headers and half a body, then nothing), `cut` (half a body,
// then close), `reset` (destroy the connection).
//
// Usage: node tests/support/double.mjs [--port N] [--host 127.0.0.1]
// Prints "listening <url>" once ready.

import http from 'node:http';
import { pathToFileURL } from 'node:url';

export const FIXTURE_KEYS = {
  accountWide: 'osapi_test_account_wide',
  connectionScoped: 'osapi_test_connection_scoped',
  apiDisabled: 'osapi_test_api_disabled',
};

const ACCOUNT = { id: 42, email: 'you@company.com' };
const CONNECTIONS = [
  { id: 7, crm: 'HUBSPOT', organizationId: '123', organizationDomain: 'acme.com' },
  { id: 8, crm: 'SALESFORCE', organizationId: '00D5g000004TEST', organizationDomain: 'acme.my.salesforce.com' },
  { id: 9, crm: 'HUBSPOT', organizationId: null, organizationDomain: null },
];
const KEYS = {
  [FIXTURE_KEYS.accountWide]: { name: 'Production', connectionScope: 'account', connections: CONNECTIONS },
  [FIXTURE_KEYS.connectionScoped]: { name: 'Salesforce sync', connectionScope: 'connection', connections: [CONNECTIONS[1]] },
  [FIXTURE_KEYS.apiDisabled]: { name: 'No API access', connectionScope: 'account', connections: [] },
};

/** The result a scripted double answers by default: the account-wide key's, two connections. */
export const ME = JSON.parse(meBody(KEYS[FIXTURE_KEYS.accountWide], CONNECTIONS.slice(0, 2)));

export const RATE_LIMIT = 120;
export const WINDOW_MS = 60_000;

const BODIES = {
  html: () => '<!doctype html><html><body><h1>Welcome</h1></body></html>',
  empty: () => meBody(KEYS[FIXTURE_KEYS.accountWide], []),
  extra: () => JSON.stringify({
    account: { id: 42, internal: 'x' },
    apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account', createdBy: 'someone' },
    connections: [{ id: 7, crm: 'HUBSPOT', refreshToken: 'never-returned' }],
    requestedAt: 'now',
  }),
  badid3: () => JSON.stringify({
    account: ACCOUNT,
    apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
    connections: [0, 1, 2, 3, 4].map((i) => ({ id: i === 3 ? '3' : i, crm: 'HUBSPOT', organizationId: null, organizationDomain: null })),
  }),
  long: () => meBody(KEYS[FIXTURE_KEYS.accountWide], [
    { id: 123456789, crm: 'MICROSOFT_DYNAMICS_365', organizationId: 'org-0000-1111-2222-3333-4444-5555-6666', organizationDomain: 'a-very-long-subdomain.sales.example-corporation-with-a-long-name.com' },
    ...CONNECTIONS,
  ]),
  many: () => meBody(KEYS[FIXTURE_KEYS.accountWide], manyConnections(10_000)),
  huge: () => meBody(KEYS[FIXTURE_KEYS.accountWide], manyConnections(100_000)),
  nullconnections: () => JSON.stringify({ account: ACCOUNT, apiKey: { name: 'P', scopes: ['read'], connectionScope: 'account' }, connections: null }),
  notutf8: () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), // {"\xff\xfe":1}
  truncated: () => meBody(KEYS[FIXTURE_KEYS.accountWide], CONNECTIONS).slice(0, 40),
};

function manyConnections(n) {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, crm: i % 2 ? 'SALESFORCE' : 'HUBSPOT', organizationId: `org-${i}`, organizationDomain: `tenant-${i}.example.com` }));
}

function meBody(key, connections) {
  return JSON.stringify({
    account: ACCOUNT,
    apiKey: { name: key.name, scopes: ['read'], connectionScope: key.connectionScope },
    connections,
  });
}

const REASONS = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export function createDouble({ answer } = {}) {
  let requestSeq = 0;
  const requests = [];
  const windows = new Map(); // "ip:..." or "account:..." -> { start, count }
  const scenarios = new Map(); // id -> count
  const notes = [];

  function cors(res) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Accept');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id, WWW-Authenticate, Location');
  }

  function send(res, status, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  }

  function errorBody(status, message) {
    return { statusCode: status, message, error: REASONS[status] ?? 'Error' };
  }

  // Fixed window: true when this request is over the limit; sets Retry-After on `res`.
  function overLimit(bucket, res) {
    const now = Date.now();
    let w = windows.get(bucket);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      windows.set(bucket, w);
    }
    w.count += 1;
    if (w.count <= RATE_LIMIT) return false;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000))));
    return true;
  }

  function tooMany(res) {
    send(res, 429, { statusCode: 429, message: 'ThrottlerException: Too Many Requests' });
  }

  // The documented endpoint.
  function me(req, res, { limited }) {
    if (limited && overLimit(`ip:${req.socket.remoteAddress}`, res)) return tooMany(res);
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const key = match && KEYS[match[1]];
    if (!key) {
      return send(res, 401, errorBody(401, 'Invalid API key'), { 'WWW-Authenticate': 'Bearer realm="OutboundSync API"' });
    }
    if (limited && overLimit(`account:${ACCOUNT.id}`, res)) return tooMany(res);
    if (key.connections.length === 0) return send(res, 403, errorBody(403, 'API access is not enabled for this account'));
    send(res, 200, meBody(key, key.connections));
  }

  function scripted(step, req, res) {
    const [head, ...opts] = step.split(':');
    const opt = Object.fromEntries(opts.map((o) => { const i = o.indexOf('='); return i < 0 ? [o, true] : [o.slice(0, i), decodeURIComponent(o.slice(i + 1))]; }));
    switch (head) {
      case 'ok': return me(req, res, { limited: false });
      case 'hang': return; // never answer; the client must time out
      case 'reset': return req.socket.destroy();
      case 'stall':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.write('{"account": {"id": 42,');
      case 'cut':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"account": {"id": 42,');
        return setTimeout(() => req.socket.destroy(), 20);
    }
    const status = Number(head);
    if (!Number.isInteger(status)) return send(res, 500, errorBody(500, `double: unknown step ${head}`));
    const headers = {};
    if (opt.ra !== undefined) headers['Retry-After'] = String(opt.ra);
    if (opt.radate !== undefined) headers['Retry-After'] = new Date(Date.now() + Number(opt.radate) * 1000).toUTCString();
    if (opt.loc !== undefined) headers.Location = opt.loc;
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="OutboundSync API"';
    if (opt.body !== undefined) return send(res, status, BODIES[opt.body]?.() ?? '', headers);
    if (opt.json !== undefined) return send(res, status, opt.json, headers);
    if (opt.html) {
      return send(res, status, `<html><head><title>${status}</title></head><body><h1>${status} ${REASONS[status] ?? ''}</h1></body></html>`, { ...headers, 'Content-Type': 'text/html' });
    }
    if (opt.empty) return send(res, status, '', headers);
    const message = status === 429 ? 'ThrottlerException: Too Many Requests' : (REASONS[status] ?? 'Error');
    send(res, status, status === 429 ? { statusCode: 429, message } : errorBody(status, message), headers);
  }

  const server = http.createServer((req, res) => {
    requestSeq += 1;
    res.setHeader('X-Request-Id', `req_double_${requestSeq}`);
    cors(res);
    if (req.method === 'OPTIONS') return send(res, 204, '');
    const url = new URL(req.url, 'http://double.invalid');
    const path = url.pathname;
    if (path === '/__double/health') return send(res, 200, { ok: true });
    if (path === '/__double/reset' && req.method === 'POST') {
      windows.clear();
      scenarios.clear();
      return send(res, 200, { ok: true });
    }
    if (path === '/__double/note' && req.method === 'POST') {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => { text += chunk; });
      req.on('end', () => {
        notes.push(text);
        send(res, 200, { ok: true });
      });
      return undefined;
    }
    const counted = /^\/__double\/count\/([^/]+)$/.exec(path);
    if (counted) return send(res, 200, { count: scenarios.get(counted[1]) ?? 0 });
    const scenario = /^\/__scenario\/([^/]+)\/([^/]+)\/api\/v1\/me$/.exec(path);
    if (scenario && req.method === 'GET') {
      const [, id, script] = scenario;
      const seen = scenarios.get(id) ?? 0;
      scenarios.set(id, seen + 1);
      const steps = script.split(',');
      return scripted(steps[Math.min(seen, steps.length - 1)], req, res);
    }
    if (path === '/api/v1/me' && req.method === 'GET') {
      const seen = { key: (req.headers.authorization ?? '').replace(/^Bearer /, ''), cancelled: false };
      requests.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) seen.cancelled = true;
      });
      if (!answer) return me(req, res, { limited: true });
      const { status = 200, body = ME, headers = {}, delayMs = 0, after } = answer(seen, requests.length) ?? {};
      return Promise.resolve(after).then(() => setTimeout(() => seen.cancelled || send(res, status, body, headers), delayMs));
    }
    send(res, 404, errorBody(404, `Cannot ${req.method} ${path}`));
  });
  return Object.assign(server, { requests, notes });
}

export function listen(server, { port = 0, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve(`http://${host}:${actual}`);
    });
  });
}

/** A double on a free loopback port (`options`: `answer`, `port`, `host`, and `keepAlive: false`
 * to keep idle connections open rather than close them after Node's 5 s): `{ url, requests,
 * notes, count(key), connections(), stop }`, where `connections()` resolves to how many client
 * connections are open. `stop` also drops connections left hanging by `hang` and `stall` steps,
 * which would otherwise keep the server open. */
export async function startDouble({ answer, keepAlive = true, ...where } = {}) {
  const server = createDouble({ answer });
  if (!keepAlive) server.keepAliveTimeout = 0;
  const url = await listen(server, where);
  const { requests, notes } = server;
  const stop = () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  const connections = () => new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  return { url, requests, notes, count: (key) => requests.filter((r) => key === undefined || r.key === key).length, connections, stop };
}

/** Runs `fn(double)` against a double of its own, started with `startDouble(options)` (`{}`: the
 * documented endpoint; `{ answer }`: scripted), and stops it afterwards. */
export async function withDouble(options, fn) {
  const double = await startDouble(options);
  try {
    return await fn(double);
  } finally {
    await double.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const double = await startDouble({ port: Number(arg('port', 0)), host: arg('host', '127.0.0.1') });
  console.log(`listening ${double.url}`);
  const stop = () => double.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
