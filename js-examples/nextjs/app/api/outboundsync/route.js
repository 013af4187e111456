// GET /api/outboundsync on the edge runtime (Vercel Edge Functions; `next start` runs it in
// Next.js's edge sandbox), where the package's `edge-light` entry imports its .wasm with
// `?module`. It tells whoever calls it which CRM connections this deployment's key reaches,
// so put it behind your own authentication before you deploy it.
import { checkKey } from '../../../lib/check-key.js';

export const runtime = 'edge';

export function GET() {
  return checkKey();
}
