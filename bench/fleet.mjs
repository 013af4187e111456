// `make bench`'s fleet simulation (issue 27): N module instances of the package (copies of pkg/
// in folders of their own, each its own wasm instance) in this process, sharing one cacheStore
// (Keyv over a redis-server started here on loopback), calling one API double with Poisson
// arrivals spread over the instances. Time is compressed 10x so the runs take minutes: the API
// answers in 30 ms (300 ms scaled), cacheTtlMs is 6 s (60 s), the outage lasts 30 s (5 minutes)
// and staleIfErrorMs is 30 s (5 minutes). Reports API requests per TTL window at 8, 64 and 512
// instances and 100 and 1,000 calls a second, and failed calls during the outage with and
// without staleIfErrorMs.
//   node bench/fleet.mjs [--quick] [--sizes=64,512]   (--quick: 2 windows a run, 8 and 64 instances)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { startDouble } from '../tests/support/double.mjs';
import { sleep } from '../tests/support/wait.mjs';
import { startRedis } from '../tests/support/stores.mjs';

const SCALE = 10;
const LATENCY_MS = 300 / SCALE;
const TTL_MS = 60_000 / SCALE;
const OUTAGE_MS = 300_000 / SCALE;
const quick = process.argv.includes('--quick');
const WINDOWS = quick ? 2 : 4;
const sizes = process.argv.find((a) => a.startsWith('--sizes='));
const SIZES = sizes ? sizes.slice('--sizes='.length).split(',').map(Number) : quick ? [8, 64] : [8, 64, 512];
const RATES = [100, 1_000];

const require = createRequire(import.meta.url);
const pkgDir = fileURLToPath(new URL('../pkg/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'outboundsync-fleet-'));
const instances = [];
/** The first `n` module instances, each a copy of the package in a folder of its own. */
function fleet(n) {
  while (instances.length < n) {
    const dir = join(scratch, String(instances.length));
    cpSync(pkgDir, dir, { recursive: true });
    instances.push(require(join(dir, 'node.cjs')));
  }
  return instances.slice(0, n);
}

const redis = await startRedis();
const cacheStore = new Keyv(new KeyvRedis(redis.url));
cacheStore.on('error', () => {});
let down = false;
const arrivals = []; // when each API request arrived
const upstream = await startDouble({ answer: () => {
  arrivals.push(Date.now());
  return down ? { status: 503, body: { statusCode: 503, message: 'Service Unavailable' } } : { delayMs: LATENCY_MS };
} });

let keys = 0;
/** Calls at `rate` a second, Poisson, each from a random instance, for `ms`; counts outcomes. */
async function load(apis, options, rate, ms, during = () => {}) {
  const counts = { ok: 0, failed: 0 };
  const pending = [];
  const end = Date.now() + ms;
  let next = Date.now();
  while (Date.now() < end) {
    during();
    const api = apis[Math.floor(Math.random() * apis.length)];
    pending.push(api.getOutboundSyncConnections(options).then(() => { counts.ok += 1; }, () => { counts.failed += 1; }));
    next += -Math.log(1 - Math.random()) * (1000 / rate);
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(pending);
  return counts;
}

const rows = [];
for (const n of SIZES) {
  const apis = fleet(n);
  for (const rate of RATES) {
    const apiKey = `osapi_test_fleet_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;
    const options = { apiKey, baseUrl: upstream.url, cacheTtlMs: TTL_MS, cacheStore, maxRetries: 0 };
    arrivals.length = 0;
    const start = Date.now();
    const counts = await load(apis, options, rate, WINDOWS * TTL_MS);
    const perWindow = Array.from({ length: WINDOWS }, (_, i) => arrivals.filter((t) => t >= start + i * TTL_MS && t < start + (i + 1) * TTL_MS).length);
    const average = arrivals.length / WINDOWS;
    const worst = Math.max(...perWindow);
    rows.push({ instances: n, 'calls/s': rate, calls: counts.ok + counts.failed, failed: counts.failed, 'requests per window': perWindow.join(' '), average: average.toFixed(2), worst, target: average <= 1.5 && worst <= 3 ? 'met' : 'missed' });
    console.log(rows.at(-1));
    await sleep(100);
  }
}
console.log(`\nAPI requests per TTL window (cacheTtlMs ${TTL_MS} ms, API ${LATENCY_MS} ms: 60 s and 300 ms scaled by 1/${SCALE}); target <= 1.5 average, <= 3 worst`);
console.table(rows);

// The outage: 64 instances at 100 calls a second; a window of traffic, then the API answers 503
// for OUTAGE_MS, calls going on throughout.
const outage = [];
for (const staleIfErrorMs of [0, OUTAGE_MS]) {
  const apis = fleet(64);
  const apiKey = `osapi_test_fleet_${process.pid}_${(keys += 1).toString().padStart(4, '0')}`;
  const options = { apiKey, baseUrl: upstream.url, cacheTtlMs: TTL_MS, staleIfErrorMs, cacheStore, maxRetries: 0 };
  down = false;
  await load(apis, options, 100, TTL_MS / 2);
  const goesDown = Date.now();
  down = true;
  const during = await load(apis, options, 100, OUTAGE_MS);
  down = false;
  outage.push({ staleIfErrorMs, 'outage (ms)': Date.now() - goesDown, calls: during.ok + during.failed, failed: during.failed, target: staleIfErrorMs ? (during.failed === 0 ? 'met' : 'missed') : '-' });
  console.log(outage.at(-1));
}
console.log(`\nFailed calls during an API outage of ${OUTAGE_MS} ms (5 minutes scaled by 1/${SCALE}), 64 instances at 100 calls/s, cacheTtlMs ${TTL_MS}; target 0 with staleIfErrorMs`);
console.table(outage);

await cacheStore.disconnect();
await upstream.stop();
await redis.kill();
rmSync(scratch, { recursive: true, force: true });
process.exit(0);
