// What the route handlers and the proxy share: this deployment's key checked with OutboundSync,
// and any failure as an HTTP answer. The key is a server-side secret (no NEXT_PUBLIC_ prefix),
// read at request time and never inlined into a bundle; OUTBOUNDSYNC_BASE_URL, when set, is read
// by the package itself.
import { getOutboundSyncMe, OutboundSyncError } from 'outboundsync';

/** The account, the key's name and scope, and the connections it reaches, as JSON. */
export async function checkKey() {
  try {
    return Response.json(await getOutboundSyncMe({ apiKey: process.env.OUTBOUNDSYNC_API_KEY }));
  } catch (err) {
    return errorResponse(err);
  }
}

// The message names the cause and its fix and never contains the key, so it is safe to return;
// the request id is what OutboundSync support asks for.
export function errorResponse(err) {
  if (!(err instanceof OutboundSyncError)) throw err;
  // The caller did nothing wrong: this deployment's key or configuration did (500), or
  // OutboundSync is busy or unreachable and a later request may succeed (503).
  const status = err.retryable ? 503 : 500;
  const headers = err.retryAfter === undefined ? {} : { 'Retry-After': String(err.retryAfter) };
  const error = { name: err.name, code: err.code, message: err.message, requestId: err.requestId ?? null };
  return Response.json({ error }, { status, headers });
}
