// Node, ES modules: `node node-esm.mjs` with OUTBOUNDSYNC_API_KEY set.
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';

try {
  console.log(JSON.stringify(await getOutboundSyncConnections()));
} catch (err) {
  console.error(err instanceof OutboundSyncAuthenticationError ? `The key was rejected: ${err.message}` : err.message);
  process.exitCode = 1;
}
