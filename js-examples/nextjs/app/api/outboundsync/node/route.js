// GET /api/outboundsync/node: the same check on the Node.js runtime, Next.js's default (it
// needs `serverExternalPackages` in next.config.mjs).
import { checkKey } from '../../../../lib/check-key.js';

export const runtime = 'nodejs';

export function GET() {
  return checkKey();
}
