// Deno: `deno run --allow-env=OUTBOUNDSYNC_API_KEY,OUTBOUNDSYNC_BASE_URL --allow-net --allow-read deno.mjs`.
// The key comes from Deno.env (the package reads it when --allow-env permits).
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';

try {
  console.log(JSON.stringify(await getOutboundSyncConnections()));
} catch (err) {
  console.error(err instanceof OutboundSyncAuthenticationError ? `The key was rejected: ${err.message}` : err.message);
  Deno.exitCode = 1;
}
