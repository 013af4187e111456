// A Cloudflare Worker: the key is a secret binding (`wrangler secret put OUTBOUNDSYNC_API_KEY`),
// read from `env`, since Workers have no process environment.
import { getOutboundSyncConnections, OutboundSyncError, OutboundSyncAuthenticationError } from 'outboundsync';

export default {
  async fetch(request, env) {
    try {
      const connections = await getOutboundSyncConnections({ apiKey: env.OUTBOUNDSYNC_API_KEY, baseUrl: env.OUTBOUNDSYNC_BASE_URL });
      return Response.json(connections);
    } catch (err) {
      if (!(err instanceof OutboundSyncError)) throw err;
      const status = err instanceof OutboundSyncAuthenticationError ? 401 : 502;
      return Response.json({ error: err.name, code: err.code, message: err.message }, { status });
    }
  },
};
