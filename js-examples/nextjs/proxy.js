// Proxy (Next.js 16's name for middleware) runs before any route, on the Node.js runtime. This
// one answers GET /health/outboundsync itself: whether this deployment's key works.
import { NextResponse } from 'next/server';
import { getOutboundSyncConnections } from 'outboundsync';
import { errorResponse } from './lib/check-key.js';

export const config = { matcher: '/health/outboundsync' };

export async function proxy() {
  try {
    const connections = await getOutboundSyncConnections({ apiKey: process.env.OUTBOUNDSYNC_API_KEY });
    return NextResponse.json({ ok: true, connections: connections.length });
  } catch (err) {
    return errorResponse(err);
  }
}
