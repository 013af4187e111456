// Middleware runs on the edge runtime, before any route. This one answers GET
// /health/outboundsync itself: whether this deployment's key works. Next.js 16 deprecates the
// name middleware.js for proxy.js, which runs on Node.js only; middleware.js is what still runs
// on the edge.
import { NextResponse } from 'next/server';
import { getOutboundSyncConnections } from 'outboundsync';
import { errorResponse } from './lib/check-key.js';

export const config = { matcher: '/health/outboundsync' };

export async function middleware() {
  try {
    const connections = await getOutboundSyncConnections({ apiKey: process.env.OUTBOUNDSYNC_API_KEY });
    return NextResponse.json({ ok: true, connections: connections.length });
  } catch (err) {
    return errorResponse(err);
  }
}
