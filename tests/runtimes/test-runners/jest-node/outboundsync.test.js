// Jest's default node environment: the `fetch` option with jest.fn, Jest's default fake timers
// (`jest.useFakeTimers()`, which also fake queueMicrotask), and a mock that hands one Response to
// every attempt.
const { getOutboundSyncConnections, OutboundSyncServerError } = require('outboundsync');
const { BODY, CONNECTIONS, options, respond, hangingFetch } = require('../shared.cjs');

test('the fetch option with jest.fn, a new Response per call', async () => {
  const fetch = jest.fn(async () => respond(200, BODY));
  await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(fetch.mock.calls[0][0]).toBe('http://127.0.0.1:2/api/v1/me');
  expect(fetch.mock.calls[0][1].headers.Authorization).toBe('Bearer osapi_test_runner_key_0001');
});

describe('with fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a mocked fetch resolves without advancing the clock', async () => {
    const fetch = jest.fn(async () => respond(200, BODY));
    await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
  });

  test('a local server answering at once resolves without advancing the clock', async () => {
    const connections = await getOutboundSyncConnections({ apiKey: process.env.TEST_GOOD_KEY, baseUrl: process.env.TEST_DOUBLE_URL });
    expect(connections.map((c) => c.id)).toEqual([7, 8, 9]);
  });

  test('a 503 is retried once the clock passes the backoff (at most 500 ms)', async () => {
    const fetch = jest.fn().mockImplementationOnce(async () => respond(503, '{"message":"down"}')).mockImplementation(async () => respond(200, BODY));
    const call = getOutboundSyncConnections(options({ fetch }));
    await jest.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toEqual(CONNECTIONS);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a 429's Retry-After is waited on the fake clock", async () => {
    const fetch = jest.fn().mockImplementationOnce(async () => respond(429, '', { 'Retry-After': '2' })).mockImplementation(async () => respond(200, BODY));
    const call = getOutboundSyncConnections(options({ fetch }));
    await jest.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toEqual(CONNECTIONS);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('timeoutMs runs on the fake clock', async () => {
    const call = getOutboundSyncConnections(options({ fetch: jest.fn(hangingFetch), timeoutMs: 1000, maxRetries: 0 }));
    const settled = expect(call).rejects.toMatchObject({ code: 'timeout' });
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
  });

  test('a call left waiting on the fake clock when the test ends', async () => {
    const fetch = jest.fn(async () => respond(503, ''));
    getOutboundSyncConnections(options({ fetch })).catch(() => {});
    await jest.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

test('after fake timers, with real ones: calls still settle', async () => {
  await expect(getOutboundSyncConnections(options({ fetch: async () => respond(200, BODY) }))).resolves.toEqual(CONNECTIONS);
  const retried = jest.fn().mockImplementationOnce(async () => respond(503, '')).mockImplementation(async () => respond(200, BODY));
  await expect(getOutboundSyncConnections(options({ fetch: retried }))).resolves.toEqual(CONNECTIONS);
});

describe('a mock that hands one Response to every attempt', () => {
  test('a 503 stays a server error with its status', async () => {
    const fetch = jest.fn().mockResolvedValue(respond(503, '{"message":"down"}'));
    const error = await getOutboundSyncConnections(options({ fetch, maxRetries: 1 })).catch((e) => e);
    expect(error).toBeInstanceOf(OutboundSyncServerError);
    expect(error).toMatchObject({ code: 'server_error', status: 503, attempts: 2 });
  });

  test('a 200 whose body was read already says so', async () => {
    const fetch = jest.fn().mockResolvedValue(respond(200, BODY));
    await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
    const error = await getOutboundSyncConnections(options({ fetch, maxRetries: 0 })).catch((e) => e);
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/HTTP 200/);
    expect(error.message).toMatch(/new Response for each call/);
    expect(error.message).not.toMatch(/before any response/);
  });
});
