// `make bench`: what the package costs its users next to the hand-written fetch in the
// OutboundSync docs, measured in one run so machine noise cancels in the ratios.
// Run with --expose-gc. Prints a Markdown report (copied into BENCHMARKS.md by hand).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startDouble, FIXTURE_KEYS } from '../tests/double/server.mjs';
import { baseline } from './baseline.mjs';
import { captureWasmInstance } from '../tests/pkg/wasm-instance.mjs';
import { send, parseJsonBytes } from '../pkg/transport.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const pkg = (p) => fileURLToPath(new URL(`../pkg/${p}`, import.meta.url));
const quick = process.argv.includes('--quick');

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

// 2. Per-call overhead, interleaved batches, medians. A third column measures the package's
// own JS attempt (js/transport.js: timer, abort signal, body bytes, JSON.parse) with no wasm
// at all: the part of the cost that the timeout and cancellation contract alone carries.
async function overhead() {
  out('## Per-call time with a stub fetch (medians of interleaved batches)');
  out();
  out('| connections | baseline | outboundsync | ratio | JS attempt alone, no wasm | ratio |');
  out('|---|---|---|---|---|---|');
  for (const [n, batch, rounds] of [[1, 2000, 15], [100, 500, 15], [10000, 5, 41]]) {
    const fetch = stubFetch(meBody(n));
    const ours = () => client.getOutboundSyncConnections({ apiKey: KEY, fetch });
    const base = () => baseline(KEY, fetch);
    const floor = async () => {
      const reply = await send(fetch, 'https://app.outboundsync.com/api/v1/me', `Bearer ${KEY}`, 30000, undefined);
      if (reply.status !== 200) throw new Error('unexpected reply');
      return parseJsonBytes(reply.body).connections;
    };
    for (const fn of [ours, base, floor]) if ((await fn()).length !== n) throw new Error('wrong result');
    const fns = [ours, base, floor];
    for (const fn of fns) await perCall(fn, batch); // warm up
    const times = fns.map(() => []);
    for (let r = 0; r < (quick ? 3 : rounds); r += 1) {
      // Rotate the order each round so no function always runs after the same one.
      for (let k = 0; k < fns.length; k += 1) {
        const i = (r + k) % fns.length;
        times[i].push(await perCall(fns[i], batch));
      }
    }
    const [a, b, f] = times.map(median);
    const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);
    out(`| ${n} | ${us(b)} | ${us(a)} | ${(a / b).toFixed(2)}x | ${us(f)} | ${(f / b).toFixed(2)}x |`);
  }
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

// 5. Over loopback against the local API double.
async function loopback() {
  const double = await startDouble();
  const url = double.url;
  // A scenario path: the real path's rate limit (120 a minute) would stop a throughput test.
  const baseUrl = `${url}/__scenario/bench/ok`;
  const ours = () => client.getOutboundSyncConnections({ apiKey: FIXTURE_KEYS.accountWide, baseUrl });
  const base = () => baseline(FIXTURE_KEYS.accountWide, fetch, `${baseUrl}/api/v1/me`);
  const seq = async (fn, n) => { const s = performance.now(); for (let i = 0; i < n; i += 1) await fn(); return (n / (performance.now() - s)) * 1000; };
  const conc = async (fn, n, lanes) => {
    const s = performance.now();
    await Promise.all(Array.from({ length: lanes }, async () => { for (let i = 0; i < n / lanes; i += 1) await fn(); }));
    return (n / (performance.now() - s)) * 1000;
  };
  const n = quick ? 300 : 2000;
  await seq(ours, 200); await seq(base, 200);
  const rows = [];
  for (const [label, measure] of [['sequential', (fn) => seq(fn, n)], ['100 concurrent', (fn) => conc(fn, n * 2, 100)]]) {
    const a = [];
    const b = [];
    for (let r = 0; r < 3; r += 1) { a.push(await measure(ours)); b.push(await measure(base)); }
    rows.push(`| ${label} | ${median(b).toFixed(0)} | ${median(a).toFixed(0)} | ${(median(a) / median(b)).toFixed(2)}x |`);
  }
  await double.stop();
  out('## Against the local API double over loopback (calls per second, medians of 3)');
  out();
  out('| | baseline | outboundsync | ratio |');
  out('|---|---|---|---|');
  rows.forEach((r) => out(r));
  out();
}

out(`# make bench: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
out();
weight();
await overhead();
await coldStart();
const flat = await memory();
await loopback();
if (!flat) {
  console.error('wasm linear memory grew between 1,000 and 100,000 calls');
  process.exitCode = 1;
}
