// `make bench`: what the package costs its users next to the hand-written fetch in the
// OutboundSync docs, measured in one run so machine noise cancels in the ratios.
// Run with --expose-gc. Prints a Markdown report (copied into BENCHMARKS.md by hand).
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { baseline, baselineWithTimeout } from './baseline.mjs';
import { captureWasmInstance } from '../tests/pkg/wasm-instance.mjs';
import { listen } from '../tests/double/server.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const pkg = (p) => fileURLToPath(new URL(`../pkg/${p}`, import.meta.url));
const quick = process.argv.includes('--quick');
// `--only=workerd,loopback` runs just those sections.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const section = (name, fn) => (!only || only.includes(name) ? fn() : undefined);

const wasmInstance = captureWasmInstance();
const client = require(pkg('node.cjs'));

const KEY = 'osapi_test_bench_key';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const lines = [];
const out = (s = '') => { lines.push(s); console.log(s); };

function meBody(n) {
  return JSON.stringify({
    account: { id: 42, email: 'you@company.com' },
    apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
    connections: Array.from({ length: n }, (_, i) => ({
      id: i + 1, crm: i % 2 ? 'SALESFORCE' : 'HUBSPOT', organizationId: String(100000 + i), organizationDomain: `org${i}.example.com`,
    })),
  });
}

// A stub fetch that returns a prepared response: only client work is measured.
function stubFetch(body) {
  const headers = { 'content-type': 'application/json' };
  return () => Promise.resolve(new Response(body, { status: 200, headers }));
}

async function perCall(fn, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) await fn();
  return Number(process.hrtime.bigint() - start) / calls / 1000; // µs per call
}

// 1. Weight
function weight() {
  const wasm = readFileSync(pkg('outboundsync_core_bg.wasm'));
  const js = ['node.cjs', 'core.cjs'].map((f) => readFileSync(pkg(f)));
  const jsGzip = js.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0);
  const baseJs = gzipSync(readFileSync(new URL('./baseline.mjs', import.meta.url)), { level: 9 }).length;
  out('## Weight');
  out();
  out('| | raw | gzip -9 |');
  out('|---|---|---|');
  out(`| outboundsync_core_bg.wasm (after wasm-opt) | ${kb(wasm.length)} | ${kb(gzipSync(wasm, { level: 9 }).length)} |`);
  out(`| JavaScript Node loads (node.cjs and core.cjs: entry, glue, error classes) | ${kb(js.reduce((s, b) => s + b.length, 0))} | ${kb(jsGzip)} |`);
  out(`| baseline: the hand-written function | | ${kb(baseJs)} |`);
  out();
}

// 2. Per-call overhead with a stub fetch (only client work is measured), interleaved batches,
// medians.
async function overhead() {
  out('## Per-call time with a stub fetch (medians of interleaved batches)');
  out();
  out('| connections | baseline | outboundsync | ratio |');
  out('|---|---|---|---|');
  for (const [n, batch, rounds] of [[1, 2000, 15], [100, 500, 15], [10000, 5, 41]]) {
    const fetch = stubFetch(meBody(n));
    const ours = () => client.getOutboundSyncConnections({ apiKey: KEY, fetch });
    const base = () => baseline(KEY, fetch);
    const [a, b] = await interleaved([ours, base], n, batch, quick ? 3 : rounds);
    out(`| ${n} | ${us(b)} | ${us(a)} | ${(a / b).toFixed(2)}x |`);
  }
  out();
}

const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);

/** Median µs per call of each function, batches interleaved in rotating order. */
async function interleaved(fns, n, batch, rounds) {
  for (const fn of fns) if ((await fn()).length !== n) throw new Error('wrong result');
  for (const fn of fns) await perCall(fn, batch); // warm up
  const times = fns.map(() => []);
  for (let r = 0; r < rounds; r += 1) {
    // Rotate the order each round so no function always runs after the same one.
    for (let k = 0; k < fns.length; k += 1) {
      const i = (r + k) % fns.length;
      times[i].push(await perCall(fns[i], batch));
    }
  }
  return times.map(median);
}

// 2b. The result cache (`cacheTtlMs`) and the log (`logLevel`, `logger`), stub fetch,
// interleaved batches, medians. A hit sends no request: each caller gets a fresh JSON.parse of
// the stored text. Each size has its own key, so one size's cached result never answers another.
async function cache() {
  out('## Cache hit and log cost, stub fetch (medians of interleaved batches)');
  out();
  out('| connections | baseline | outboundsync, no cache | outboundsync, cache hit (cacheTtlMs: 60000) | hit / no cache |');
  out('|---|---|---|---|---|');
  for (const [n, batch, rounds] of [[1, 2000, 15], [100, 500, 15], [10000, 5, 21]]) {
    const apiKey = `osapi_test_bench_cache_${n}`;
    const fetch = stubFetch(meBody(n));
    // The cached calls get the same stub behind a counter: only the warm-up call may reach it.
    let requests = 0;
    const counted = (...args) => { requests += 1; return fetch(...args); };
    const uncached = () => client.getOutboundSyncConnections({ apiKey, fetch });
    const cached = () => client.getOutboundSyncConnections({ apiKey, fetch: counted, cacheTtlMs: 60000 });
    const base = () => baseline(apiKey, fetch);
    if ((await cached()).length !== n) throw new Error('wrong result'); // the warm-up call fills the cache
    const [x, y] = [await cached(), await cached()];
    if (x === y || x[0] === y[0]) throw new Error('two cache hits shared result objects');
    const [a, b, c] = await interleaved([uncached, cached, base], n, batch, quick ? 3 : rounds);
    if (requests !== 1) throw new Error(`the cached calls sent ${requests} requests, not 1`);
    out(`| ${n} | ${us(c)} | ${us(a)} | ${us(b)} | ${(b / a).toFixed(2)}x |`);
  }
  out();
  // The log: one debug line an attempt, written to a logger that does nothing, against the log
  // off; and logLevel absent (the default), which reads OUTBOUNDSYNC_LOG on every call.
  const fetch = stubFetch(meBody(1));
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop };
  const apiKey = 'osapi_test_bench_log_0001';
  const absent = () => client.getOutboundSyncConnections({ apiKey, fetch });
  const off = () => client.getOutboundSyncConnections({ apiKey, fetch, logLevel: 'off' });
  const debug = () => client.getOutboundSyncConnections({ apiKey, fetch, logLevel: 'debug', logger });
  let lines = 0;
  const counting = { ...logger, debug: () => { lines += 1; } };
  await client.getOutboundSyncConnections({ apiKey, fetch, logLevel: 'debug', logger: counting });
  if (lines !== 1) throw new Error(`expected one debug line, got ${lines}`);
  const [d, o, ab] = await interleaved([debug, off, absent], 1, 2000, quick ? 3 : 15);
  out(`1 connection, no cache: logLevel 'debug' with a no-op logger ${us(d)}, logLevel 'off' ${us(o)} (${(d / o).toFixed(2)}x); logLevel absent, OUTBOUNDSYNC_LOG ${process.env.OUTBOUNDSYNC_LOG === undefined ? 'unset' : 'set'}, ${us(ab)} (${(ab / o).toFixed(2)}x of 'off').`);
  out();
}

// 3. Cold start: a fresh process that imports and completes one call against the stub.
async function coldStart() {
  const body = JSON.stringify(meBody(3));
  const prelude = `const body = ${JSON.stringify(body)}; const fetch = () => Promise.resolve(new Response(JSON.parse(body), { status: 200 }));`;
  const ours = `${prelude} require(${JSON.stringify(pkg('node.cjs'))}).getOutboundSyncConnections({ apiKey: 'osapi_test_cold', fetch }).then((c) => { if (c.length !== 3) process.exit(1); });`;
  const base = `${prelude} import(${JSON.stringify(new URL('./baseline.mjs', import.meta.url).href)}).then((m) => m.baseline('osapi_test_cold', fetch)).then((c) => { if (c.length !== 3) process.exit(1); });`;
  const time = async (script) => {
    const start = process.hrtime.bigint();
    await run(process.execPath, ['-e', script]);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const a = [];
  const b = [];
  for (let r = 0; r < (quick ? 4 : 20); r += 1) {
    if (r % 2) { b.push(await time(base)); a.push(await time(ours)); } else { a.push(await time(ours)); b.push(await time(base)); }
  }
  out('## Cold start (fresh Node process: import, one call, exit; medians)');
  out();
  out('| baseline | outboundsync | ratio |');
  out('|---|---|---|');
  out(`| ${median(b).toFixed(1)} ms | ${median(a).toFixed(1)} ms | ${(median(a) / median(b)).toFixed(2)}x |`);
  out();
}

// 4. Memory after 1,000 and after 100,000 calls.
async function memory() {
  const fetch = stubFetch(meBody(10));
  const measure = () => {
    global.gc?.();
    return { linear: wasmInstance().exports.memory.buffer.byteLength, heap: process.memoryUsage().heapUsed };
  };
  const calls = async (n) => { for (let i = 0; i < n; i += 1) await client.getOutboundSyncConnections({ apiKey: KEY, fetch }); };
  await calls(1000);
  const after1k = measure();
  await calls(quick ? 10_000 : 99_000);
  const after100k = measure();
  out('## Memory (10 connections a call)');
  out();
  out('| | after 1,000 calls | after 100,000 calls |');
  out('|---|---|---|');
  out(`| wasm linear memory | ${kb(after1k.linear)} | ${kb(after100k.linear)} |`);
  out(`| JS heap used (after gc) | ${kb(after1k.heap)} | ${kb(after100k.heap)} |`);
  out();
  return after100k.linear <= after1k.linear;
}

/** A node:http server on 127.0.0.1 answering /api/v1/me with `n` connections. */
async function meServer(n) {
  const body = meBody(n);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  const url = await listen(server);
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

// 5. Over real sockets on loopback: the client next to the hand-written function with an
// AbortController timeout (what a careful user writes), interleaved batches, medians.
async function loopback() {
  out('## Per-call time against a node:http server on 127.0.0.1 (medians of interleaved batches)');
  out();
  out('| connections | baseline with a timeout | outboundsync | ratio |');
  out('|---|---|---|---|');
  for (const [n, batch, rounds] of [[1, 200, 15], [100, 200, 15]]) {
    const server = await meServer(n);
    const ours = () => client.getOutboundSyncConnections({ apiKey: KEY, baseUrl: server.url });
    const base = () => baselineWithTimeout(KEY, fetch, `${server.url}/api/v1/me`);
    const [a, b] = await interleaved([ours, base], n, batch, quick ? 3 : rounds);
    out(`| ${n} | ${us(b)} | ${us(a)} | ${(a / b).toFixed(2)}x |`);
    await server.close();
  }
  out();
}

// 6. workerd (through Miniflare, installed for make test in tests/runtimes/): the first call of
// a fresh Worker (instantiating the .wasm) and later calls, against the same loopback server.
async function workerd() {
  const runtimes = fileURLToPath(new URL('../tests/runtimes/node_modules/', import.meta.url));
  if (!existsSync(join(runtimes, 'miniflare'))) throw new Error('Miniflare is missing: make bench installs it (scripts/ensure-tools.sh runtimes)');
  const { Miniflare } = createRequire(runtimes)('miniflare');
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'outboundsync-bench-'));
  const entry = join(dir, 'worker.mjs');
  const { writeFileSync, cpSync } = await import('node:fs');
  cpSync(fileURLToPath(new URL('../pkg/', import.meta.url)), join(dir, 'node_modules', 'outboundsync'), { recursive: true });
  writeFileSync(entry, readFileSync(new URL('../js-examples/worker.mjs', import.meta.url)));
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', outdir: join(dir, 'dist'), logLevel: 'warning',
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], loader: { '.wasm': 'copy' },
  });
  const server = await meServer(3);
  const mf = new Miniflare({
    modules: true, modulesRoot: join(dir, 'dist'), scriptPath: join(dir, 'dist', 'worker.js'), compatibilityDate: '2025-01-01',
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    bindings: { OUTBOUNDSYNC_API_KEY: KEY, OUTBOUNDSYNC_BASE_URL: server.url },
  });
  try {
    await mf.ready;
    const call = async () => {
      const start = performance.now();
      const res = await mf.dispatchFetch('http://worker.test/');
      const text = await res.text();
      if (res.status !== 200 || JSON.parse(text).length !== 3) throw new Error(`the Worker answered ${res.status}: ${text.slice(0, 300)}`);
      return performance.now() - start;
    };
    const first = await call();
    const later = [];
    for (let i = 0; i < (quick ? 5 : 50); i += 1) later.push(await call());
    out('## workerd through Miniflare (time of one request to the Worker, which makes one call)');
    out();
    out('| first call (instantiates the .wasm) | later calls (median) |');
    out('|---|---|');
    out(`| ${first.toFixed(1)} ms | ${median(later).toFixed(1)} ms |`);
    out();
  } finally {
    await mf.dispose();
    await server.close();
  }
}

out(`# make bench: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
out();
await section('weight', weight);
await section('overhead', overhead);
await section('cache', cache);
await section('cold', coldStart);
const flat = await section('memory', memory);
await section('loopback', loopback);
await section('workerd', workerd);
if (flat === false) {
  console.error('wasm linear memory grew between 1,000 and 100,000 calls');
  process.exitCode = 1;
}
