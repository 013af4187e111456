// `make bench`: what the package costs its users next to the hand-written fetch in the
// OutboundSync docs, measured in one run so machine noise cancels in the ratios.
// Run with --expose-gc. Prints a Markdown report (copied into BENCHMARKS.md by hand), each
// target's ratio in its section and all of them in a table at the end.
//   --only=workerd,page   just those sections (weight, overhead, cache, cold, memory, loopback,
//                         workerd, page, firstcall)
//   --before=DIR[,DIR]    earlier builds of the package (say, /tmp/pkg-before) measured beside
//                         pkg/ in the weight, overhead, cold and firstcall sections
//   --quick               fewer rounds, to try the sections out
import { readFileSync, existsSync, mkdtempSync, mkdirSync, copyFileSync, cpSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { baseline, baselineWithTimeout } from './baseline.mjs';
import { captureWasmInstance, linearMemory } from '../tests/support/wasm-instance.mjs';
import { listen } from '../tests/support/double.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const pkgDir = fileURLToPath(new URL('../pkg/', import.meta.url));
const pkg = (p) => join(pkgDir, p);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const quick = process.argv.includes('--quick');
const flag = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',');
const only = flag('only');
const before = (flag('before') ?? []).map((dir) => resolve(dir));
const section = (name, fn) => (!only || only.includes(name) ? fn() : undefined);
/** The package folders measured: pkg/ first, then each --before one. */
const packages = [{ name: 'pkg/', dir: pkgDir }, ...before.map((dir) => ({ name: dir, dir }))];

const wasmInstance = captureWasmInstance();
const client = require(pkg('node.cjs'));

const KEY = 'osapi_test_bench_key';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (x) => `${x.toFixed(1)} ms`;
const lines = [];
const out = (s = '') => { lines.push(s); console.log(s); };

// Every target (issue 21's), in one format: its section's table gets `target` and `met/missed`
// cells from here, and the report ends with all of them.
const targets = [];
function target(what, value, limit, show = (x) => `${x.toFixed(2)}x`) {
  const met = value <= limit;
  targets.push({ what, value: show(value), limit: `≤ ${show(limit)}`, met });
  return `≤ ${show(limit)} | ${met ? 'met' : 'missed'}`;
}

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

// 1. Weight: the .wasm (issue 17's targets), the JavaScript Node loads, and each package
// folder's tarball as npm packs it.
async function weight() {
  const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
  // What `require('outboundsync')` reads in Node: the entry, the glue, and (since issue 16) the
  // .wasm as base64 (deflated since issue 27's tarball fix) in wasm-inline.cjs, where the package has it.
  const jsFiles = ['node.cjs', 'core.cjs', 'wasm-inline.cjs'].filter((f) => existsSync(pkg(f)));
  const js = jsFiles.map((f) => readFileSync(pkg(f)));
  const baseJs = gzip(readFileSync(here('./baseline.mjs')));
  const bytes = (n) => `${n.toLocaleString('en-US')} B`;
  out('## Weight');
  out();
  out('| | size | target | met/missed |');
  out('|---|---|---|---|');
  // The two builds (issue 27): the full .wasm (Node, workerd, Vercel Edge, Deno) and the browser
  // one, without the fleet feature. Issue 27's targets for the browser one, then issue 29's.
  const full = readFileSync(pkg('outboundsync_core_bg.wasm'));
  out(`| outboundsync_core_bg.wasm (full build; Node, workerd, Vercel Edge, Deno), raw / gzip -9 | ${bytes(full.length)} / ${bytes(gzip(full))} | report | |`);
  const browser = existsSync(pkg('outboundsync_browser_bg.wasm')) && readFileSync(pkg('outboundsync_browser_bg.wasm'));
  if (browser) {
    const show = (x) => bytes(x);
    out(`| outboundsync_browser_bg.wasm (the \`browser\` entry's), raw | ${bytes(browser.length)} | ${target('browser .wasm raw (issue 27)', browser.length, 136_000, show)} |`);
    out(`| outboundsync_browser_bg.wasm, gzip -9 | ${bytes(gzip(browser))} | ${target('browser .wasm gzip -9 (issue 27)', gzip(browser), 59_000, show)} |`);
    out(`| outboundsync_browser_bg.wasm, raw (issue 29) | ${bytes(browser.length)} | ${target('browser .wasm raw (issue 29)', browser.length, 112_640, show)} |`);
    out(`| outboundsync_browser_bg.wasm, gzip -9 (issue 29) | ${bytes(gzip(browser))} | ${target('browser .wasm gzip -9 (issue 29)', gzip(browser), 49_152, show)} |`);
  }
  for (const { name, dir } of packages.slice(1)) {
    for (const file of ['outboundsync_core_bg.wasm', 'outboundsync_browser_bg.wasm'].filter((f) => existsSync(join(dir, f)))) {
      const earlier = readFileSync(join(dir, file));
      out(`| ${name}: ${file}, raw / gzip -9 | ${bytes(earlier.length)} / ${bytes(gzip(earlier))} | report | |`);
    }
  }
  out(`| JavaScript Node loads (${jsFiles.join(', ')}), raw / gzip -9 | ${kib(js.reduce((s, b) => s + b.length, 0))} / ${kib(js.reduce((s, b) => s + gzip(b), 0))} | report | |`);
  out(`| baseline: the hand-written function, gzip -9 | ${kib(baseJs)} | | |`);
  out();
  out('| package folder | tarball (npm pack) | unpacked | files | target (issue 27) | met/missed |');
  out('|---|---|---|---|---|---|');
  for (const { name, dir } of packages) {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', dir], { cwd: tmpdir() });
    const [packed] = JSON.parse(stdout);
    const verdict = dir === pkgDir ? target('tarball, packed (issue 27)', packed.size / 1000, 260, (x) => `${x.toFixed(1)} kB`) : 'report | ';
    out(`| ${name} | ${kib(packed.size)} (${packed.size.toLocaleString('en-US')} B) | ${kib(packed.unpackedSize)} | ${packed.entryCount} | ${verdict} |`);
  }
  out();
}

// 2. Per-call overhead with a stub fetch (only client work is measured), interleaved batches,
// medians; each --before package measured beside pkg/ in the same batches. Issue 21's target:
// at 1 and 10 connections pkg/ no slower than the package it replaces (≤ 1.05x: one run's
// noise between identical builds).
async function overhead() {
  const clients = packages.map(({ dir }) => (dir === pkgDir ? client : require(join(dir, 'node.cjs'))));
  const names = packages.map(({ name }) => name);
  out('## Per-call time with a stub fetch (medians of interleaved batches; ratios to the hand-written call reported)');
  out();
  out(`| connections | baseline | ${names.map((n) => `outboundsync ${n} | ratio`).join(' | ')} |${before.length ? ' pkg/ ÷ before | target | met/missed |' : ''}`);
  out(`|---|---|${names.map(() => '---|---|').join('')}${before.length ? '---|---|---|' : ''}`);
  for (const [n, batch, rounds] of [[1, 2000, 15], [10, 1000, 15], [100, 500, 15], [10000, 5, 41]]) {
    const fetch = stubFetch(meBody(n));
    const fns = [() => baseline(KEY, fetch), ...clients.map((c) => () => c.getOutboundSyncConnections({ apiKey: KEY, fetch }))];
    const [b, ...ours] = await interleaved(fns, n, batch, quick ? 3 : rounds);
    const cells = ours.map((a) => `${us(a)} | ${(a / b).toFixed(2)}x`).join(' | ');
    let against = '';
    if (before.length) {
      const ratio = ours[0] / ours[1];
      against = n <= 10
        ? ` ${ratio.toFixed(2)}x | ${target(`per call, stub fetch, ${n} connection${n > 1 ? 's' : ''}, against ${names[1]}`, ratio, 1.05)} |`
        : ` ${ratio.toFixed(2)}x | report | |`;
    }
    out(`| ${n} | ${us(b)} | ${cells} |${against}`);
  }
  out();
}

const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);

/** Median µs per call of each function, batches interleaved in rotating order. */
async function interleaved(fns, n, batch, rounds) {
  for (const fn of fns) if ((await fn()).length !== n) throw new Error('wrong result');
  for (const fn of fns) await perCall(fn, batch); // warm up
  return (await rotated(fns.length, rounds, (i) => perCall(fns[i], batch))).map(median);
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

// 2c. Issue 22: a cacheStore hit, a call that finds nothing in its instance's memory and is
// served from the store (a Map; Redis on loopback through Keyv), beside a memory hit and the
// hand-written call; stub fetch, interleaved batches, medians. Each store's calls rotate over
// 150 keys and the memory cache holds 100, so every call misses memory and reads the store.
async function store() {
  const { startRedis } = await import('../tests/support/stores.mjs');
  const { default: Keyv } = await import('keyv');
  const { default: KeyvRedis } = await import('@keyv/redis');
  const redis = await startRedis();
  const keyv = new Keyv(new KeyvRedis(redis.url));
  keyv.on('error', () => {});
  // Memory hits in a module instance of their own, where the rotation does not push them out.
  const copy = mkdtempSync(join(tmpdir(), 'outboundsync-bench-instance-'));
  cpSync(pkgDir, copy, { recursive: true });
  const separate = require(join(copy, 'node.cjs'));
  out('## cacheStore hit (issue 22), stub fetch (medians of interleaved batches)');
  out();
  out('| connections | baseline | memory hit | store hit, Map | store hit, Redis (Keyv, loopback) | Map hit / memory hit | Redis hit / memory hit |');
  out('|---|---|---|---|---|---|---|');
  try {
    for (const [n, batch, rounds] of [[1, 300, 11], [100, 150, 11]]) {
      const fetch = stubFetch(meBody(n));
      let requests = 0;
      const counted = (...args) => { requests += 1; return fetch(...args); };
      let reads = 0;
      const map = new Map();
      const countedMap = { get: (k) => { reads += 1; return map.get(k); }, set: (k, v) => map.set(k, v) };
      const rotating = (name, cacheStore) => {
        const keys = Array.from({ length: 150 }, (_, i) => `osapi_test_bench_store_${name}_${n}_${i}`);
        let i = 0;
        return () => client.getOutboundSyncConnections({ apiKey: keys[(i += 1) % keys.length], fetch: counted, cacheTtlMs: 600_000, cacheStore });
      };
      const fromMap = rotating('map', countedMap);
      const fromRedis = rotating('redis', keyv);
      const memory = () => separate.getOutboundSyncConnections({ apiKey: `osapi_test_bench_store_memory_${n}`, fetch: counted, cacheTtlMs: 600_000 });
      const base = () => baseline(KEY, fetch);
      for (let i = 0; i < 150; i += 1) await Promise.all([fromMap(), fromRedis()]); // each key's one request
      await memory();
      const [filled, readsBefore] = [requests, reads];
      const [a, b, c, d] = await interleaved([memory, fromMap, fromRedis, base], n, batch, quick ? 3 : rounds);
      if (requests !== filled) throw new Error(`store hits sent ${requests - filled} requests`);
      if (reads - readsBefore < batch) throw new Error('the Map calls did not read the store');
      out(`| ${n} | ${us(d)} | ${us(a)} | ${us(b)} | ${us(c)} | ${(b / a).toFixed(2)}x | ${(c / a).toFixed(2)}x |`);
    }
    out();
  } finally {
    await keyv.disconnect();
    await redis.kill();
    rmSync(copy, { recursive: true, force: true });
  }
}

/** A project whose node_modules/outboundsync is `dir` (a link), with the baseline and
 * first-call.mjs beside it: bare imports from scripts run there find the package under test. */
function userProject(dir) {
  const project = mkdtempSync(join(tmpdir(), 'outboundsync-bench-user-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(dir, join(project, 'node_modules', 'outboundsync'), 'dir');
  for (const file of ['baseline.mjs', 'first-call.mjs']) copyFileSync(here(file), join(project, file));
  return project;
}

/** Runs `measure(i)` for each i of `count`, `rounds` times, the order rotated each round so no
 * measurement always runs after the same one: per i, its values. */
async function rotated(count, rounds, measure) {
  const values = Array.from({ length: count }, () => []);
  for (let r = 0; r < rounds; r += 1) {
    for (let k = 0; k < count; k += 1) {
      const i = (r + k) % count;
      values[i].push(await measure(i));
    }
  }
  return values;
}

// 3. Cold start: a fresh Node process that imports the package (ESM, as `import` resolves it)
// and completes one call against a loopback node:http server, against the same process running
// the hand-written function with its timeout. Interleaved, medians.
async function coldStart() {
  const server = await meServer(3);
  const projects = packages.map(({ dir }) => userProject(dir));
  const check = "if (c.length !== 3) process.exit(1);";
  const scripts = [
    `import { baselineWithTimeout } from './baseline.mjs'; const c = await baselineWithTimeout('${KEY}', fetch, '${server.url}/api/v1/me'); ${check}`,
    ...packages.map(() => `import { getOutboundSyncConnections } from 'outboundsync'; const c = await getOutboundSyncConnections({ apiKey: '${KEY}', baseUrl: '${server.url}' }); ${check}`),
  ];
  const cwd = (i) => projects[Math.max(0, i - 1)];
  const times = await rotated(scripts.length, quick ? 4 : 20, async (i) => {
    const start = process.hrtime.bigint();
    await run(process.execPath, ['--input-type=module', '-e', scripts[i]], { cwd: cwd(i) });
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  await server.close();
  for (const project of projects) rmSync(project, { recursive: true, force: true });
  const base = median(times[0]);
  out('## Cold start (fresh Node process: import, one call over loopback, exit; medians of interleaved runs)');
  out();
  out('| package | baseline with a timeout | outboundsync | ratio | target | met/missed |');
  out('|---|---|---|---|---|---|');
  packages.forEach(({ name }, p) => {
    const ratio = median(times[p + 1]) / base;
    const verdict = p === 0 ? target('Node cold start (import + one call)', ratio, 1.1) : 'report | ';
    out(`| ${name} | ${ms(base)} | ${ms(median(times[p + 1]))} | ${ratio.toFixed(2)}x | ${verdict} |`);
  });
  out();
}

// 4. Memory after 1,000 and after 100,000 calls.
async function memory() {
  const fetch = stubFetch(meBody(10));
  const measure = () => {
    global.gc?.();
    return { linear: linearMemory(wasmInstance()).buffer.byteLength, heap: process.memoryUsage().heapUsed };
  };
  const calls = async (n) => { for (let i = 0; i < n; i += 1) await client.getOutboundSyncConnections({ apiKey: KEY, fetch }); };
  await calls(1000);
  const after1k = measure();
  await calls(quick ? 10_000 : 99_000);
  const after100k = measure();
  const growth = after100k.linear - after1k.linear;
  out('## Memory (10 connections a call)');
  out();
  out('| | after 1,000 calls | after 100,000 calls | target | met/missed |');
  out('|---|---|---|---|---|');
  out(`| wasm linear memory | ${kib(after1k.linear)} | ${kib(after100k.linear)} | ${target('wasm linear memory growth, 1,000 → 100,000 calls', growth / 1024, 0, (x) => `${x.toFixed(0)} KiB`)} |`);
  out(`| JS heap used (after gc) | ${kib(after1k.heap)} | ${kib(after100k.heap)} | report | |`);
  out();
  return growth <= 0;
}

/** A node:http server on 127.0.0.1 answering /api/v1/me with `n` connections; with `cors`, to
 * pages of another origin too (no preflight is cached: each page load sends its own). `count`
 * tells the requests by method since the last `reset`. */
async function meServer(n, { cors = false } = {}) {
  const body = meBody(n);
  const seen = {};
  const allow = cors ? { 'access-control-allow-origin': '*' } : {};
  const server = http.createServer((req, res) => {
    seen[req.method] = (seen[req.method] ?? 0) + 1;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...allow, 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'GET', 'access-control-max-age': '0' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench', ...allow }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  const url = await listen(server);
  return {
    url,
    count: () => ({ ...seen }),
    reset: () => { for (const k of Object.keys(seen)) delete seen[k]; server.closeIdleConnections(); },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// 5. Over real sockets on loopback: the client next to the hand-written function with an
// AbortController timeout (what a careful user writes), interleaved batches, medians. Reported,
// not a target since issue 21: about 140 µs a call is a few per cent of a real request.
async function loopback() {
  out('## Per-call time against a node:http server on 127.0.0.1 (medians of interleaved batches)');
  out();
  out('| connections | baseline with a timeout | outboundsync | ratio | target | met/missed |');
  out('|---|---|---|---|---|---|');
  for (const [n, batch, rounds] of [[1, 200, 15], [100, 200, 15]]) {
    const server = await meServer(n);
    const ours = () => client.getOutboundSyncConnections({ apiKey: KEY, baseUrl: server.url });
    const base = () => baselineWithTimeout(KEY, fetch, `${server.url}/api/v1/me`);
    const [a, b] = await interleaved([ours, base], n, batch, quick ? 3 : rounds);
    out(`| ${n} | ${us(b)} | ${us(a)} | ${(a / b).toFixed(2)}x | report | |`);
    await server.close();
  }
  out();
}

// ---- The packed package as users install and bundle it (workerd, page, firstcall) ----------

const runtimes = fileURLToPath(new URL('../tests/runtimes/node_modules/', import.meta.url));
const fromRuntimes = createRequire(runtimes);
let installed;

/** tests/runtimes/fixture.mjs (its tools: wrangler, Node 24, Vite), once make bench has them. */
async function runtimeTools() {
  if (!existsSync(join(runtimes, 'miniflare'))) throw new Error('the runtimes are missing: make bench installs them (scripts/ensure-tools.sh runtimes)');
  return import('../tests/runtimes/fixture.mjs');
}

/** The packed pkg/ installed into a fresh project with js-examples/ and the bench's Workers beside
 * it, once a run. */
async function installedProject() {
  if (!installed) {
    const { root } = await runtimeTools();
    const { installPackedPackage } = await import('../tests/support/installed.mjs');
    installed = installPackedPackage();
    cpSync(join(root, 'js-examples'), installed, { recursive: true });
    for (const file of ['baseline.mjs', 'plain-worker.mjs', 'steps-worker.mjs']) copyFileSync(here(file), join(installed, file));
  }
  return installed;
}

const workers = {};

/** `entry` (a file of the installed project) bundled as `wrangler deploy` uploads it, as
 * tests/runtimes/workers.test.mjs does; returns `start(bindings)`, which makes a new Miniflare:
 * a workerd process and one isolate, to dispose of. Miniflare gets the upload's modules as a
 * list, as workerd gets a deployed Worker's: given only the script's path, it would first parse
 * the script in Node to find its imports (about 6 ms for the package's, never paid deployed). */
async function workerBundle(entry) {
  if (!workers[entry]) {
    const { wranglerBundle, compatibilityDate } = await runtimeTools();
    const dir = await installedProject();
    const dist = join(dir, `dist-${basename(entry, '.mjs')}`);
    const files = await wranglerBundle(dir, dist, entry);
    const modules = [
      ...files.filter((f) => f.endsWith('.js')).map((f) => ({ type: 'ESModule', path: f, contents: readFileSync(join(dist, f), 'utf8') })),
      ...files.filter((f) => f.endsWith('.wasm')).map((f) => ({ type: 'CompiledWasm', path: f, contents: readFileSync(join(dist, f)) })),
    ];
    if (modules[0]?.type !== 'ESModule' || modules.filter((m) => m.type === 'ESModule').length !== 1) throw new Error(`wrangler wrote ${files.join(', ')}`);
    const { Miniflare } = fromRuntimes('miniflare');
    workers[entry] = (bindings) => new Miniflare({ modules, compatibilityDate: compatibilityDate(dir), bindings });
  }
  return workers[entry];
}

/** One request to a Worker: ms until its whole answer is in (at `/`, the three connections). */
async function request(mf, path = '/') {
  const start = performance.now();
  const res = await mf.dispatchFetch(`http://worker.test${path}`);
  const text = await res.text();
  if (res.status !== 200 || (path === '/' && JSON.parse(text).length !== 3)) throw new Error(`the Worker answered ${path} with ${res.status}: ${text.slice(0, 300)}`);
  return performance.now() - start;
}

/** Runs `use(mf)` on a fresh Worker from `start`, started at the returned `startedAt`. */
async function withWorker(start, bindings, use) {
  const startedAt = performance.now();
  const mf = start(bindings);
  try {
    return await use(mf, startedAt);
  } finally {
    await mf.dispose();
  }
}

// 6. workerd through Miniflare: js-examples/worker.mjs and a plain JS Worker making the same call
// (bench/plain-worker.mjs), both bundled by wrangler, in interleaved rounds, each a new workerd:
// start-up (new Miniflare until it is ready), the first request, later requests.
async function workerd() {
  const kinds = [await workerBundle('worker.mjs'), await workerBundle('plain-worker.mjs')];
  const server = await meServer(3);
  const bindings = { OUTBOUNDSYNC_API_KEY: KEY, OUTBOUNDSYNC_BASE_URL: server.url };
  const rounds = await rotated(2, quick ? 2 : 8, (i) => withWorker(kinds[i], bindings, async (mf, startedAt) => {
    await mf.ready;
    const ready = performance.now();
    const first = await request(mf);
    const total = performance.now() - startedAt;
    const later = [];
    for (let k = 0; k < (quick ? 5 : 20); k += 1) later.push(await request(mf));
    return { total, startup: ready - startedAt, first, later: median(later) };
  }));
  await server.close();
  const [ours, plain] = rounds.map((r) => Object.fromEntries(['total', 'startup', 'first', 'later'].map((k) => [k, median(r.map((x) => x[k]))])));
  const row = (label, key, limit, name) => {
    const ratio = ours[key] / plain[key];
    out(`| ${label} | ${ms(plain[key])} | ${ms(ours[key])} | ${ratio.toFixed(2)}x | ${limit ? target(name, ratio, limit) : 'report | '} |`);
  };
  out(`## workerd through Miniflare (wrangler bundles, ${rounds[0].length} interleaved rounds of a new workerd each, medians)`);
  out();
  out('| | plain JS Worker | outboundsync (js-examples/worker.mjs) | ratio | target | met/missed |');
  out('|---|---|---|---|---|---|');
  row('Worker start-up + first request (new Miniflare → first response)', 'total', 1.1, 'workerd start-up + first request');
  row('start-up alone (new Miniflare → ready)', 'startup');
  row('first request', 'first', 2.0, 'workerd first request');
  row(`later requests (median of ${quick ? 5 : 20} a round)`, 'later');
  out();
}

// 7. A web page's first result on slow 4G: a page that makes one call, with the package and
// with the hand-written fetch (bench/page/), each built by Vite, served gzipped with no caching,
// loaded by a fresh headless Chromium each round with the DevTools protocol's throttling (as
// Lighthouse's slow 4G: 150 ms, 1.6 Mbps down, 750 kbps up). The page records when its result
// is in the DOM; the API answers from loopback, another origin, with CORS.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** A static server on loopback for a built page: each file gzip -9, `Content-Encoding: gzip`,
 * `Cache-Control: no-store`. `bytes` is what one load transfers, every file once;
 * `wasmRequests()` counts the .wasm's requests since `reset()`. */
async function serveGzipped(folder) {
  const files = new Map();
  for (const file of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const path = join(file.parentPath ?? file.path, file.name);
    files.set(`/${path.slice(folder.length + 1).split('\\').join('/')}`, gzipSync(readFileSync(path), { level: 9 }));
  }
  let wasmRequests = 0;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html');
    if (path.endsWith('.wasm')) wasmRequests += 1;
    const body = files.get(path);
    if (!body) return res.writeHead(404, { 'cache-control': 'no-store' }).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store', 'content-length': body.length });
    return res.end(body);
  });
  return {
    url: await listen(server),
    bytes: [...files.values()].reduce((s, b) => s + b.length, 0),
    wasmRequests: () => wasmRequests,
    reset: () => { wasmRequests = 0; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** When `url` showed its result, in ms from navigation start, in a fresh headless Chromium (as
 * tests/runtimes/browsers.test.mjs starts it) with its cache disabled, on `network` (the
 * DevTools protocol's throttling) or unthrottled; and `resources`, when each request the page
 * made started and ended (Resource Timing: the script, the .wasm, the API call). */
async function firstResult(url, network) {
  const { Builder } = fromRuntimes('selenium-webdriver');
  const chrome = fromRuntimes('selenium-webdriver/chrome.js');
  const profile = mkdtempSync(join(tmpdir(), 'outboundsync-bench-chromium-'));
  const options = new chrome.Options()
    .setChromeBinaryPath(process.env.CHROMIUM ?? '/usr/bin/chromium')
    .addArguments('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`);
  const service = new chrome.ServiceBuilder(process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver');
  const driver = await new Builder().forBrowser('chrome').setChromeOptions(options).setChromeService(service).build();
  try {
    await driver.sendDevToolsCommand('Network.enable', {});
    await driver.sendDevToolsCommand('Network.setCacheDisabled', { cacheDisabled: true });
    if (network) await driver.sendDevToolsCommand('Network.emulateNetworkConditions', network);
    await driver.get(url);
    const shown = await driver.wait(
      () => driver.executeScript("const d = document.body?.dataset; return d?.shownMs ?? (d?.failed && document.getElementById('status').textContent);"),
      60_000, `${url} showed no result`,
    );
    if (!Number.isFinite(Number(shown))) throw new Error(`${url}: ${shown}`);
    const resources = await driver.executeScript(
      "return performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.startTime, e.responseEnd]);",
    );
    return { shown: Number(shown), resources };
  } finally {
    await driver.quit();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function page() {
  const browser = [process.env.CHROMIUM ?? '/usr/bin/chromium', process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver'];
  if (!browser.every(existsSync)) throw new Error(`${browser.join(' or ')} is missing: scripts/ensure-tools.sh test installs them`);
  const { run: runIn, bin } = await runtimeTools();
  const dir = await installedProject();
  // The package's page built with outboundsync/vite (issue 29: the .wasm preloaded with the
  // page) and without it, and the hand-written page.
  const variants = [
    { name: 'outboundsync with outboundsync/vite', main: 'package', plugin: true },
    { name: 'outboundsync without the plugin', main: 'package', plugin: false },
    { name: 'hand-written fetch', main: 'plain' },
  ];
  const pages = [];
  for (const { name, main, plugin } of variants) {
    const slug = `${main}${plugin ? '-plugin' : ''}`;
    const src = join(dir, `page-${slug}`);
    const dist = join(dir, `dist-page-${slug}`);
    mkdirSync(src, { recursive: true });
    for (const file of ['index.html', 'show.js']) copyFileSync(here(`page/${file}`), join(src, file));
    copyFileSync(here(`page/${main}.js`), join(src, 'main.js'));
    copyFileSync(here('baseline.mjs'), join(src, 'baseline.mjs'));
    if (plugin) copyFileSync(here('page/vite.config.mjs'), join(src, 'vite.config.mjs'));
    await runIn(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: src });
    const preloaded = readFileSync(join(dist, 'index.html'), 'utf8').includes('rel="preload"');
    if (preloaded !== Boolean(plugin)) throw new Error(`${name}: the built page ${preloaded ? 'has' : 'has no'} preload link`);
    pages.push({ name, site: await serveGzipped(dist) });
  }
  const api = await meServer(3, { cors: true });
  // Slow 4G for the target; unthrottled loopback, reported, shows what the browser's own work
  // (compiling, instantiating, the first call) adds when the network costs nothing.
  const loads = [...pages.map((_, p) => [p, SLOW_4G]), ...pages.map((_, p) => [p, undefined])];
  const HAND = pages.length - 1;
  try {
    const results = await rotated(loads.length, quick ? 2 : 8, async (i) => {
      const [p, network] = loads[i];
      api.reset();
      pages[p].site.reset();
      const result = await firstResult(`${pages[p].site.url}/?api=${encodeURIComponent(api.url)}`, network);
      const seen = api.count();
      // A preflight and the call on every load: nothing was cached between rounds.
      if (seen.OPTIONS !== 1 || seen.GET !== 1) throw new Error(`${pages[p].name}: the API saw ${JSON.stringify(seen)}`);
      // The .wasm downloaded once, preloaded or not.
      const wasm = pages[p].site.wasmRequests();
      if (p !== HAND && wasm !== 1) throw new Error(`${pages[p].name}: the .wasm was requested ${wasm} times`);
      return result;
    });
    const slow = (p) => median(results[p].map((x) => x.shown));
    const fast = (p) => median(results[pages.length + p].map((x) => x.shown));
    out(`## A web page's first result (Vite build, gzip -9, no cache, a fresh headless Chromium a load; ${results[0].length} interleaved rounds, medians)`);
    out();
    out('| | transferred (gzip) | slow 4G (150 ms, 1.6 Mbps) | ratio | target | met/missed | loopback, unthrottled | ratio |');
    out('|---|---|---|---|---|---|---|---|');
    out(`| hand-written fetch | ${kib(pages[HAND].site.bytes)} | ${ms(slow(HAND))} | | | | ${ms(fast(HAND))} | |`);
    pages.slice(0, HAND).forEach(({ name, site }, p) => {
      const ratio = slow(p) / slow(HAND);
      const verdict = p === 0 ? target('web page first result, slow 4G, with outboundsync/vite', ratio, 1.5) : 'report | ';
      out(`| ${name} | ${kib(site.bytes)} | ${ms(slow(p))} | ${ratio.toFixed(2)}x | ${verdict} | ${ms(fast(p))} | ${(fast(p) / fast(HAND)).toFixed(2)}x |`);
    });
    out();
    // Where the slow-4G load's time goes: when each request started and ended (medians).
    const span = (r, test) => {
      const hits = r.map((x) => x.resources.find(([path]) => test(path))).filter(Boolean);
      return hits.length ? `${median(hits.map((h) => h[1])).toFixed(0)}–${median(hits.map((h) => h[2])).toFixed(0)}` : '';
    };
    out('| slow 4G, ms from navigation start | script | .wasm | API call (preflight and GET) | result shown |');
    out('|---|---|---|---|---|');
    for (const p of [HAND, ...pages.keys()].slice(0, pages.length)) {
      const r = results[p];
      out(`| ${pages[p].name} | ${span(r, (path) => path.endsWith('.js'))} | ${span(r, (path) => path.endsWith('.wasm'))} | ${span(r, (path) => path.endsWith('/api/v1/me'))} | ${median(r.map((x) => x.shown)).toFixed(0)} |`);
    }
    out();
  } finally {
    await api.close();
    for (const { site } of pages) await site.close();
  }
}

// 8. Where the first call's time goes. In Node, fresh processes (bench/first-call.mjs): import,
// compile and instantiate the .wasm, the first call's own work, the second call; fetch's own
// first use paid before anything is timed. In workerd (bench/steps-worker.mjs): start-up, a
// first request that only instantiates, then the first call.
async function firstCall() {
  const server = await meServer(3);
  const projects = packages.map(({ dir }) => userProject(dir));
  const variants = [];
  for (const upstream of ['stub', server.url]) {
    const how = upstream === 'stub' ? 'stub fetch' : 'loopback';
    variants.push({ label: `baseline, ${how}`, args: ['baseline', upstream], cwd: projects[0] });
    packages.forEach(({ name }, p) => variants.push({ label: `outboundsync ${name}, ${how}`, args: ['package', upstream], cwd: projects[p] }));
  }
  variants.push({ label: 'outboundsync pkg/, stub fetch, --no-wasm-lazy-compilation', args: ['package', 'stub'], cwd: projects[0], flags: ['--no-wasm-lazy-compilation'] });
  const results = await rotated(variants.length, quick ? 2 : 8, async (i) => {
    const { args, cwd, flags = [] } = variants[i];
    const { stdout } = await run(process.execPath, [...flags, 'first-call.mjs', ...args], { cwd });
    return JSON.parse(stdout);
  });
  for (const project of projects) rmSync(project, { recursive: true, force: true });
  const STEPS = ['import', 'bytes', 'compile', 'instantiate', 'first', 'second', 'later'];
  out(`## Where the first call's time goes: Node (fresh processes, ${results[0].length} interleaved rounds, medians; 3 connections)`);
  out();
  out('| ms | import | get the .wasm bytes | compile | instantiate | first call\'s own work | second call | later calls |');
  out('|---|---|---|---|---|---|---|---|');
  variants.forEach(({ label }, i) => {
    out(`| ${label} | ${STEPS.map((s) => median(results[i].map((r) => r[s])).toFixed(2)).join(' | ')} |`);
  });
  out();

  const kinds = [await workerBundle('steps-worker.mjs'), await workerBundle('plain-worker.mjs')];
  const bindings = { OUTBOUNDSYNC_API_KEY: KEY, OUTBOUNDSYNC_BASE_URL: server.url };
  const later = async (mf, path) => {
    const times = [];
    for (let k = 0; k < 10; k += 1) times.push(await request(mf, path));
    return median(times);
  };
  const rounds = await rotated(2, quick ? 2 : 8, (i) => withWorker(kinds[i], bindings, async (mf, startedAt) => {
    await mf.ready;
    const startup = performance.now() - startedAt;
    if (i === 1) return { startup, first: await request(mf), later: await later(mf, '/') };
    return { startup, init: await request(mf, '/init'), first: await request(mf), later: await later(mf, '/'), initLater: await later(mf, '/init') };
  }));
  await server.close();
  const [steps, plain] = rounds.map((r) => Object.fromEntries(Object.keys(r[0]).map((k) => [k, median(r.map((x) => x[k]))])));
  out(`## Where the first request's time goes: workerd (${rounds[0].length} interleaved rounds of a new workerd each, medians)`);
  out();
  out('| | plain JS Worker | outboundsync (bench/steps-worker.mjs) |');
  out('|---|---|---|');
  out(`| start-up (new Miniflare → ready: loads the bundle and the .wasm module) | ${ms(plain.startup)} | ${ms(steps.startup)} |`);
  out(`| first request to /init: instantiates, one call refused before any request | | ${ms(steps.init)} |`);
  out(`| later requests to /init | | ${ms(steps.initLater)} |`);
  out(`| first call (GET /, after /init) | ${ms(plain.first)} | ${ms(steps.first)} |`);
  out(`| later calls | ${ms(plain.later)} | ${ms(steps.later)} |`);
  out();
}

function summary() {
  if (!targets.length) return;
  out('## Targets');
  out();
  out('| | measured | target | met/missed |');
  out('|---|---|---|---|');
  for (const t of targets) out(`| ${t.what} | ${t.value} | ${t.limit} | ${t.met ? 'met' : 'missed'} |`);
  out();
}

out(`# make bench: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
out();
try {
  await section('weight', weight);
  await section('overhead', overhead);
  await section('cache', cache);
  await section('store', store);
  await section('cold', coldStart);
  const flat = await section('memory', memory);
  await section('loopback', loopback);
  await section('workerd', workerd);
  await section('page', page);
  await section('firstcall', firstCall);
  summary();
  if (flat === false) {
    console.error('wasm linear memory grew between 1,000 and 100,000 calls');
    process.exitCode = 1;
  }
} finally {
  if (installed) rmSync(installed, { recursive: true, force: true });
}
