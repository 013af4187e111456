// GET /api/outboundsync on Next.js's default runtime, Node.js, with no next.config entry: the
// package's Node entry carries its .wasm, so the server bundle needs nothing from
// node_modules. It tells whoever calls it which CRM connections this deployment's key reaches,
// so put it behind your own authentication before you deploy it.
import { checkKey } from '../../../lib/check-key.js';

export function GET() {
  return checkKey();
}
