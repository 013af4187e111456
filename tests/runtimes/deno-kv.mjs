// Deno KV as cacheStore, run by runtimes.test.mjs in Deno (`--unstable-kv`, an in-memory KV):
// passed as it is, it is refused with the adapter; the adapter from the message shares results
// with an expiry. Prints one JSON line.
import { getOutboundSyncConnections } from 'outboundsync';

const kv = await Deno.openKv(':memory:');
const options = { apiKey: Deno.env.get('OUTBOUNDSYNC_API_KEY'), baseUrl: Deno.env.get('OUTBOUNDSYNC_BASE_URL'), cacheTtlMs: 60_000 };
const refused = await getOutboundSyncConnections({ ...options, cacheStore: kv }).then(() => ({ code: 'accepted' }), (err) => ({ code: err.code, message: err.message }));
// The result is written off the caller's path: the adapter says when it has been (or 30 s pass,
// and `stored` comes out empty), so no poll depends on the machine's speed.
let resultWritten;
const written = new Promise((resolve) => { resultWritten = resolve; });
const cacheStore = {
  get: async (k) => (await kv.get([k])).value,
  set: async (k, v, ttlMs) => {
    await kv.set([k], v, { expireIn: ttlMs });
    if (String(v).includes('\nresult ')) resultWritten();
  },
};
const ids = (await getOutboundSyncConnections({ ...options, cacheStore })).map((c) => c.id);
let timer;
await Promise.race([written, new Promise((resolve) => { timer = setTimeout(resolve, 30_000); })]);
clearTimeout(timer);
const stored = [];
for await (const entry of kv.list({ prefix: [] })) if (String(entry.value).includes('\nresult ')) stored.push(entry.key[0]);
console.log(JSON.stringify({ refused, ids, stored }));
kv.close();
