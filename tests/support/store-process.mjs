// One instance of the Redis tests (redis.test.mjs), as a Node process of its own, sharing results
// through Redis with keyv and @keyv/redis, as the README shows. With READY set it prints "ready"
// and starts when a line arrives on stdin (processes started together). BURST: CALLS concurrent
// calls. BUSY: calls at RATE a second, Poisson arrivals, for DURATION_MS. Prints one JSON line:
// per call, the connection ids or the error (BURST), or the counts of each (BUSY).
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import * as api from '../../pkg/node.mjs';

const { BASE_URL, REDIS_URL, API_KEY, CALLS = '1', MAX_RETRIES = '2', TTL = '60000', STALE = '0', MODE = 'burst', RATE = '10', DURATION_MS = '5000', READY } = process.env;
const cacheStore = new Keyv(new KeyvRedis(REDIS_URL));
cacheStore.on('error', () => {}); // Keyv's advice: a store error must not end the process
const options = { apiKey: API_KEY, baseUrl: BASE_URL, cacheTtlMs: Number(TTL), staleIfErrorMs: Number(STALE), cacheStore, maxRetries: Number(MAX_RETRIES) };
const outcome = (connections) => ({ ids: connections.map((c) => c.id) });
const failure = (err) => ({ error: err.name, code: err.code, attempts: err.attempts, retryAfter: err.retryAfter, rateLimitClass: err instanceof api.OutboundSyncRateLimitError });

await cacheStore.get('outboundsync:warm-up'); // connected before the start
if (READY) {
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
}
const started = Date.now();
if (MODE === 'busy') {
  const counts = { ok: 0, failed: 0 };
  const pending = [];
  const end = started + Number(DURATION_MS);
  while (Date.now() < end) {
    pending.push(api.getOutboundSyncConnections(options).then(() => { counts.ok += 1; }, () => { counts.failed += 1; }));
    await new Promise((resolve) => setTimeout(resolve, -Math.log(1 - Math.random()) * (1000 / Number(RATE))));
  }
  await Promise.all(pending);
  console.log(JSON.stringify(counts));
} else {
  const results = await Promise.all(Array.from({ length: Number(CALLS) }, () => api.getOutboundSyncConnections(options).then(outcome, failure)));
  console.log(JSON.stringify({ results, ms: Date.now() - started }));
}
await cacheStore.disconnect();
process.exit(0); // stdin, once read, would keep the process open
