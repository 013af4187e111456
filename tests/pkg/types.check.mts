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
  type OutboundSyncCacheStore,
} from '../../pkg/index.mjs';
import Keyv from 'keyv';

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
  await getOutboundSyncMe({ cacheTtlMs: 60_000, cacheStore: new Map<string, string>() });
  await getOutboundSyncMe({ cacheTtlMs: 60_000, cacheStore: new Keyv() });
  const kv = { get: async (key: string): Promise<string | null> => key, put: async (_k: string, _v: string, _o?: { expirationTtl?: number }) => {} };
  const store: OutboundSyncCacheStore = kv;
  await getOutboundSyncMe({ cacheTtlMs: 60_000, cacheStore: store });
  // @ts-expect-error a store has set or put
  await getOutboundSyncMe({ cacheTtlMs: 60_000, cacheStore: { get() {} } });
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
