// The plain JS Worker make bench's workerd section sets beside js-examples/worker.mjs: the same
// call made by hand (bench/baseline.mjs: fetch, an AbortController timeout, redirect 'manual',
// the same status checks), answering as the example does.
import { baselineWithTimeout } from './baseline.mjs';

export default {
  async fetch(request, env) {
    try {
      return Response.json(await baselineWithTimeout(env.OUTBOUNDSYNC_API_KEY, fetch, `${env.OUTBOUNDSYNC_BASE_URL}/api/v1/me`));
    } catch (err) {
      return Response.json({ error: err.name, message: err.message }, { status: 502 });
    }
  },
};
