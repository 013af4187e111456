// Fake timers installed before the package is loaded (as `fakeTimers: { enableGlobally: true }`
// does): nothing the package captures at load may be a fake.
jest.useFakeTimers();
const { getOutboundSyncConnections } = require('outboundsync');
const { BODY, CONNECTIONS, options, respond } = require('../shared.cjs');

test('a mocked fetch resolves without advancing the clock', async () => {
  await expect(getOutboundSyncConnections(options({ fetch: async () => respond(200, BODY) }))).resolves.toEqual(CONNECTIONS);
});

test('a retry passes with advanceTimersByTimeAsync, then with real timers', async () => {
  const fetch = jest.fn().mockImplementationOnce(async () => respond(502, '')).mockImplementation(async () => respond(200, BODY));
  const call = getOutboundSyncConnections(options({ fetch }));
  await jest.advanceTimersByTimeAsync(500);
  await expect(call).resolves.toEqual(CONNECTIONS);
  jest.useRealTimers();
  await expect(getOutboundSyncConnections(options({ fetch: async () => respond(200, BODY) }))).resolves.toEqual(CONNECTIONS);
});
