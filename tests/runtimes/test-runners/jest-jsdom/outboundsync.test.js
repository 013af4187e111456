// Jest's jsdom environment (`testEnvironment: 'jsdom'`, nothing else configured), as a frontend
// project runs its tests: the package loads, and calls follow a page's rules.
const { getOutboundSyncConnections, OutboundSyncConfigError } = require('outboundsync');
const { BODY, CONNECTIONS, options, respond } = require('../shared.cjs');

test('the environment is a page', () => {
  expect(typeof window).toBe('object');
  expect(typeof document).toBe('object');
});

test('a call without dangerouslyAllowBrowser is refused before any request', async () => {
  const fetch = jest.fn();
  const error = await getOutboundSyncConnections({ apiKey: 'osapi_test_runner_key_0001', fetch }).catch((e) => e);
  expect(error).toBeInstanceOf(OutboundSyncConfigError);
  expect(error.code).toBe('browser_disallowed');
  expect(fetch).not.toHaveBeenCalled();
});

test('the fetch option with jest.fn', async () => {
  const fetch = jest.fn(async () => respond(200, BODY));
  await expect(getOutboundSyncConnections(options({ fetch }))).resolves.toEqual(CONNECTIONS);
  expect(fetch).toHaveBeenCalledTimes(1);
});

test('a retry under fake timers', async () => {
  jest.useFakeTimers();
  try {
    const fetch = jest.fn().mockImplementationOnce(async () => respond(503, '')).mockImplementation(async () => respond(200, BODY));
    const call = getOutboundSyncConnections(options({ fetch }));
    await jest.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toEqual(CONNECTIONS);
  } finally {
    jest.useRealTimers();
  }
});
