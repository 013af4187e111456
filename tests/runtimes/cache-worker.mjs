// The Worker workers.test.mjs runs to check `cacheTtlMs` in workerd: copied into the project
// that installed the packed package and bundled by wrangler as js-examples/worker.mjs is.
//
//   GET /?key=K&ttl=N          awaits getOutboundSyncConnections and answers
//                              { ids, lines } (or { error, code, lines } with 401/502), where
//                              `lines` is everything the call logged
//   GET /?key=K&ttl=N&early=1  starts the same call and answers at once without awaiting it,
//                              so workerd cancels the call's fetch and timers (they belong to
//                              this request's I/O context)
//   GET /?key=K&ttl=N&kv=1     the call with the KV namespace bound as CACHE as its cacheStore
//   GET /?key=K&ttl=N&notify=1 the call, each line also posted to the upstream's /__double/note
//                              as it is logged, so a test can act on it while the call runs
//
// The base URL is the binding OUTBOUNDSYNC_BASE_URL: the test's loopback upstream.
import { getOutboundSyncConnections, OutboundSyncError, OutboundSyncAuthenticationError } from 'outboundsync';

export default {
  async fetch(request, env, ctx) {
    const query = new URL(request.url).searchParams;
    const lines = [];
    const notify = query.has('notify');
    const collect = (line) => {
      lines.push(String(line));
      if (notify) ctx.waitUntil(fetch(`${env.OUTBOUNDSYNC_BASE_URL}/__double/note`, { method: 'POST', body: String(line) }).catch(() => {}));
    };
    const call = () => getOutboundSyncConnections({
      apiKey: query.get('key'),
      baseUrl: env.OUTBOUNDSYNC_BASE_URL,
      cacheTtlMs: Number(query.get('ttl')),
      cacheStore: query.has('kv') ? env.CACHE : undefined,
      logLevel: 'debug',
      logger: { debug: collect, info: collect, warn: collect, error: collect },
    });
    if (query.has('early')) {
      call().catch(() => {}); // never settles once this request has ended
      return Response.json({ returnedEarly: true });
    }
    try {
      const connections = await call();
      return Response.json({ ids: connections.map((c) => c.id), lines });
    } catch (err) {
      if (!(err instanceof OutboundSyncError)) throw err;
      const status = err instanceof OutboundSyncAuthenticationError ? 401 : 502;
      return Response.json({ error: err.name, code: err.code, message: err.message, lines }, { status });
    }
  },
};
