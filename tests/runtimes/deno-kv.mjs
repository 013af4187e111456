// Deno KV as cacheStore, run by runtimes.test.mjs in Deno (`--unstable-kv`, an in-memory KV):
// passed as it is, it is refused with the adapter; the adapter from the message shares results
// with an expiry. Prints one JSON line.
import { getOutboundSyncConnections } from 'outboundsync';

const kv = await Deno.openKv(':memory:');
const options = { apiKey: Deno.env.get('OUTBOUNDSYNC_API_KEY'), baseUrl: Deno.env.get('OUTBOUNDSYNC_BASE_URL'), cacheTtlMs: 60_000 };
const refused = await getOutboundSyncConnections({ ...options, cacheStore: kv }).then(() => ({ code: 'accepted' }), (err) => ({ code: err.code, message: err.message }));
const cacheStore = { get: async (k) => (await kv.get([k])).value, set: (k, v, ttlMs) => kv.set([k], v, { expireIn: ttlMs }) };
const ids = (await getOutboundSyncConnections({ ...options, cacheStore })).map((c) => c.id);
let stored = [];
for (let i = 0; i < 100 && stored.length === 0; i += 1) {
  for await (const entry of kv.list({ prefix: [] })) if (String(entry.value).includes('\nresult ')) stored.push(entry.key[0]);
  if (stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(JSON.stringify({ refused, ids, stored }));
kv.close();
