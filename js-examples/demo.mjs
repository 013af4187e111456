// `make demo`: list the connections an OutboundSync API key can reach, through the built
// package. With OUTBOUNDSYNC_API_KEY set it calls the real API (or OUTBOUNDSYNC_BASE_URL);
// without it, it starts the local API double and uses its demo key.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getOutboundSyncMe, OutboundSyncError } from '../pkg/node.mjs';
import { startDouble, FIXTURE_KEYS } from '../tests/support/double.mjs';

const useDouble = !process.env.OUTBOUNDSYNC_API_KEY?.trim();
let double;
let options = {};
if (useDouble) {
  double = await startDouble();
  const baseUrl = double.url;
  options = { apiKey: FIXTURE_KEYS.accountWide, baseUrl };
  console.log(`No OUTBOUNDSYNC_API_KEY set: using the local API double at ${baseUrl} and its demo key.\n`);
} else {
  console.log(`Calling ${process.env.OUTBOUNDSYNC_BASE_URL || 'https://app.outboundsync.com'} with OUTBOUNDSYNC_API_KEY.\n`);
}

// The package's `outboundsync` command (what `npx outboundsync` runs), against the double.
async function showCommand(baseUrl) {
  const bin = fileURLToPath(new URL('../pkg/bin/outboundsync.cjs', import.meta.url));
  for (const apiKey of [FIXTURE_KEYS.connectionScoped, FIXTURE_KEYS.apiDisabled]) {
    console.log(`\n$ OUTBOUNDSYNC_API_KEY=${apiKey} npx outboundsync`);
    const env = { ...process.env, OUTBOUNDSYNC_API_KEY: apiKey, OUTBOUNDSYNC_BASE_URL: baseUrl };
    const code = await new Promise((resolve) => spawn(process.execPath, [bin], { env, stdio: 'inherit' }).on('close', resolve));
    console.log(`(exit code ${code})`);
  }
}

// A server checking the key in every request it serves: with cacheTtlMs, 20 concurrent calls
// and the ones after them share one request (the double counts what its scenario path sees).
async function showCache({ apiKey, baseUrl }) {
  const scenario = `${baseUrl}/__scenario/demo-cache-${process.pid}/ok`;
  const lines = [];
  const logger = { debug: (l) => lines.push(l), info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) };
  const call = () => getOutboundSyncMe({ apiKey, baseUrl: scenario, cacheTtlMs: 60_000, logLevel: 'debug', logger });
  await Promise.all(Array.from({ length: 20 }, call));
  await call();
  const { count } = await (await fetch(`${baseUrl}/__double/count/demo-cache-${process.pid}`)).json();
  console.log(`
In a server, 21 calls with { cacheTtlMs: 60000, logLevel: 'debug' } sent ${count} request; the log:`);
  const times = new Map();
  for (const line of lines) times.set(line, (times.get(line) ?? 0) + 1);
  for (const [line, n] of times) console.log(`  ${line}${n > 1 ? ` (x${n})` : ''}`);
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => `  ${r.map((c, i) => String(c).padEnd(widths[i])).join('  ')}`.trimEnd()).join('\n');
}

try {
  const { account, apiKey, connections } = await getOutboundSyncMe(options);
  const scope = apiKey.connectionScope === 'account' ? 'account-wide' : 'one connection';
  console.log(`Account ${account.id}${account.email ? ` (${account.email})` : ''}`);
  console.log(`Key "${apiKey.name}": ${scope}, scopes ${apiKey.scopes.join(', ') || '(none)'}`);
  console.log(`${connections.length} connection${connections.length === 1 ? '' : 's'}:`);
  if (connections.length) {
    console.log(table([
      ['ID', 'CRM', 'DOMAIN', 'ORGANIZATION ID'],
      ...connections.map((c) => [c.id, c.crm, c.organizationDomain ?? '-', c.organizationId ?? '-']),
    ]));
  }
  if (useDouble) {
    console.log('\nWhat failures look like:');
    for (const apiKey of ['osapi_test_not_a_real_key', FIXTURE_KEYS.apiDisabled]) {
      try {
        await getOutboundSyncMe({ ...options, apiKey });
      } catch (err) {
        console.log(`  ${err.name} [${err.code}]: ${err.message}`);
      }
    }
    await showCache(options);
    await showCommand(options.baseUrl);
  }
} catch (err) {
  if (!(err instanceof OutboundSyncError)) throw err;
  console.error(`${err.name} [${err.code}]: ${err.message}`);
  process.exitCode = 1;
} finally {
  await double?.stop();
}
