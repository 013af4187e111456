// Compiled with `tsc --noEmit` by `make test`: the declarations must type real use, and each
// expect-error directive below fails the build if a type ever widens to `any`.
import {
  getOutboundSyncConnections,
  getOutboundSyncMe,
  OutboundSyncError,
  OutboundSyncRateLimitError,
  type Connection,
  type ConnectionScope,
  type OutboundSyncErrorCode,
  type OutboundSyncLogger,
  type OutboundSyncLogLevel,
} from '../../pkg/index.mjs';

export async function usage(signal: AbortSignal): Promise<number> {
  const connections: Connection[] = await getOutboundSyncConnections();
  const me = await getOutboundSyncMe({ apiKey: 'osapi_test_types', timeoutMs: 5000, maxRetries: 0, signal, fetch: globalThis.fetch });
  const scope: ConnectionScope = me.apiKey.connectionScope;
  // @ts-expect-error connectionScope is a literal union, not string
  const wrong: 'team' = me.apiKey.connectionScope;
  // @ts-expect-error organizationDomain may be null
  const domain: string = connections[0].organizationDomain;
  // @ts-expect-error options are checked
  await getOutboundSyncMe({ timeoutMs: '5s' });
  const level: OutboundSyncLogLevel = 'debug';
  const logger: OutboundSyncLogger = console;
  await getOutboundSyncMe({ cacheTtlMs: 60_000, logLevel: level, logger });
  await getOutboundSyncMe({ logger: { debug() {}, info() {}, warn() {}, error: async () => {} } });
  // @ts-expect-error log levels are a literal union
  await getOutboundSyncMe({ logLevel: 'verbose' });
  // @ts-expect-error a logger has all four methods
  await getOutboundSyncMe({ logger: { info() {} } });
  try {
    await getOutboundSyncMe('osapi_test_types');
  } catch (err) {
    if (err instanceof OutboundSyncRateLimitError) {
      const code: 'rate_limited' = err.code;
      return (err.retryAfter ?? 0) + code.length;
    }
    if (err instanceof OutboundSyncError) {
      const code: OutboundSyncErrorCode = err.code;
      return code.length + (err.status ?? 0) + err.attempts;
    }
  }
  return connections.length + me.account.id + scope.length + wrong.length + domain.length;
}
