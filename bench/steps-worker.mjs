// The package's first request in workerd, in two steps (make bench --only=firstcall): GET /init
// instantiates the .wasm and returns at once (an unknown option is refused before any request),
// GET / then makes the call as js-examples/worker.mjs does.
import { getOutboundSyncConnections, OutboundSyncConfigError } from 'outboundsync';

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/init') {
      try {
        await getOutboundSyncConnections({ benchInit: true });
      } catch (err) {
        if (err instanceof OutboundSyncConfigError) return new Response('ready');
        throw err;
      }
      throw new Error('an unknown option was accepted');
    }
    return Response.json(await getOutboundSyncConnections({ apiKey: env.OUTBOUNDSYNC_API_KEY, baseUrl: env.OUTBOUNDSYNC_BASE_URL }));
  },
};
