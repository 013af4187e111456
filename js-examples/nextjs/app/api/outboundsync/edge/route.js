// GET /api/outboundsync/edge: the same check on the edge runtime (Vercel Edge Functions; `next
// start` runs it in Next.js's edge sandbox), which Next.js 16 deprecates. There the package's
// `edge-light` entry imports its .wasm with `?module`.
import { checkKey } from '../../../../lib/check-key.js';

export const runtime = 'edge';

export function GET() {
  return checkKey();
}
