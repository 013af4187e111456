// One instance of the Redis tests (redis.test.mjs), as a Node process of its own: CALLS
// concurrent calls sharing results through Redis with keyv and @keyv/redis, as the README shows.
// Prints one JSON line: per call, the connection ids or the error; and how long they took.
import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import * as api from '../../pkg/node.mjs';

const { BASE_URL, REDIS_URL, API_KEY, CALLS = '1', MAX_RETRIES = '2' } = process.env;
const cacheStore = new Keyv(new KeyvRedis(REDIS_URL));
cacheStore.on('error', () => {}); // Keyv's advice: a store error must not end the process
const options = { apiKey: API_KEY, baseUrl: BASE_URL, cacheTtlMs: 60_000, cacheStore, maxRetries: Number(MAX_RETRIES) };
const started = Date.now();
const results = await Promise.all(Array.from({ length: Number(CALLS) }, () => api.getOutboundSyncConnections(options).then(
  (connections) => ({ ids: connections.map((c) => c.id) }),
  (err) => ({ error: err.name, code: err.code, attempts: err.attempts, retryAfter: err.retryAfter, rateLimitClass: err instanceof api.OutboundSyncRateLimitError }),
)));
console.log(JSON.stringify({ results, ms: Date.now() - started }));
await cacheStore.disconnect();
