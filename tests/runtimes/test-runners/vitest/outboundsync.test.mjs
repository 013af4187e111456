// Vitest, run in its node, jsdom and happy-dom environments: the `fetch` option with vi.fn,
// `vi.useFakeTimers()`, a page's rules where the environment is a page, and a mock that hands
// one Response to every attempt.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { getOutboundSyncConnections, OutboundSyncServerError } from 'outboundsync';
import { BODY, CONNECTIONS, options, respond, hangingFetch } from '../shared.cjs';

const page = typeof window !== 'undefined';

test('the fetch option with vi.fn, a new Response per call', async () => {
  const fetch = vi.fn(async () => respond(200, BODY));
  await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
  expect(fetch).toHaveBeenCalledTimes(1);
});

test.runIf(page)('a page is refused without dangerouslyAllowBrowser', async () => {
  const fetch = vi.fn();
  await expect(getOutboundSyncConnections({ apiKey: 'osapi_test_runner_key_0001', fetch })).rejects.toMatchObject({ code: 'browser_disallowed' });
  expect(fetch).not.toHaveBeenCalled();
});

describe('with fake timers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('a mocked fetch resolves without advancing the clock', async () => {
    await expect(getOutboundSyncConnections(options({ fetch: vi.fn(async () => respond(200, BODY)) }))).resolves.toEqual(CONNECTIONS);
  });

  test('a 503 is retried once the clock passes the backoff (at most 500 ms)', async () => {
    const fetch = vi.fn().mockImplementationOnce(async () => respond(503, '')).mockImplementation(async () => respond(200, BODY));
    const call = getOutboundSyncConnections(options({ fetch }));
    await vi.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toEqual(CONNECTIONS);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a 429's Retry-After is waited on the fake clock", async () => {
    const fetch = vi.fn().mockImplementationOnce(async () => respond(429, '', { 'Retry-After': '2' })).mockImplementation(async () => respond(200, BODY));
    const call = getOutboundSyncConnections(options({ fetch }));
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toEqual(CONNECTIONS);
  });

  test('timeoutMs runs on the fake clock', async () => {
    const settled = expect(getOutboundSyncConnections(options({ fetch: hangingFetch, timeoutMs: 1000, maxRetries: 0 }))).rejects.toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(1000);
    await settled;
  });
});

test('after fake timers, with real ones: calls still settle', async () => {
  await expect(getOutboundSyncConnections(options({ fetch: async () => respond(200, BODY) }))).resolves.toEqual(CONNECTIONS);
});

describe('a mock that hands one Response to every attempt', () => {
  test('a 503 stays a server error with its status', async () => {
    const fetch = vi.fn().mockResolvedValue(respond(503, '{"message":"down"}'));
    const error = await getOutboundSyncConnections(options({ fetch, maxRetries: 1 })).catch((e) => e);
    expect(error).toBeInstanceOf(OutboundSyncServerError);
    expect(error).toMatchObject({ code: 'server_error', status: 503, attempts: 2 });
  });

  test('a 200 whose body was read already says so', async () => {
    const fetch = vi.fn().mockResolvedValue(respond(200, BODY));
    await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
    const error = await getOutboundSyncConnections(options({ fetch, maxRetries: 0 })).catch((e) => e);
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/HTTP 200/);
    expect(error.message).toMatch(/new Response for each call/);
  });
});
