// Bun: `bun bun.mjs` with OUTBOUNDSYNC_API_KEY set (Bun also reads it from .env).
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';

try {
  console.log(JSON.stringify(await getOutboundSyncConnections()));
} catch (err) {
  console.error(err instanceof OutboundSyncAuthenticationError ? `The key was rejected: ${err.message}` : err.message);
  process.exitCode = 1;
}
