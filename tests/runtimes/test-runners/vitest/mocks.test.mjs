// HTTP mocking libraries catch the package's default request (the global fetch) with no change
// to the code under test: MSW 2, nock 14 and undici's MockAgent, in Vitest's node environment.
import { afterEach, expect, test } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import nock from 'nock';
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { getOutboundSyncConnections, OutboundSyncAuthenticationError } from 'outboundsync';
import { BODY, CONNECTIONS, NOWHERE, options } from '../shared.cjs';

const ME = `${NOWHERE}/api/v1/me`;
const cleanups = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()();
});

test('MSW 2', async () => {
  const seen = [];
  const server = setupServer(http.get(ME, ({ request }) => {
    seen.push(request.headers.get('authorization'));
    return seen.length === 1 ? new HttpResponse(BODY, { headers: { 'content-type': 'application/json' } }) : HttpResponse.json({ message: 'Invalid API key' }, { status: 401 });
  }));
  server.listen({ onUnhandledRequest: 'error' });
  cleanups.push(() => server.close());
  await expect(getOutboundSyncConnections(options())).resolves.toEqual(CONNECTIONS);
  await expect(getOutboundSyncConnections(options())).rejects.toBeInstanceOf(OutboundSyncAuthenticationError);
  expect(seen).toEqual(['Bearer osapi_test_runner_key_0001', 'Bearer osapi_test_runner_key_0001']);
});

test('nock 14', async () => {
  nock.disableNetConnect();
  cleanups.push(() => { nock.cleanAll(); nock.enableNetConnect(); });
  const scope = nock(NOWHERE).matchHeader('authorization', 'Bearer osapi_test_runner_key_0001').get('/api/v1/me').reply(200, BODY).get('/api/v1/me').reply(401, { message: 'Invalid API key' });
  await expect(getOutboundSyncConnections(options())).resolves.toEqual(CONNECTIONS);
  await expect(getOutboundSyncConnections(options())).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
  expect(scope.isDone()).toBe(true);
});

test("undici's MockAgent", async () => {
  const previous = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.disableNetConnect();
  setGlobalDispatcher(agent);
  cleanups.push(async () => { setGlobalDispatcher(previous); await agent.close(); });
  const pool = agent.get(NOWHERE);
  pool.intercept({ path: '/api/v1/me', method: 'GET', headers: { authorization: 'Bearer osapi_test_runner_key_0001' } }).reply(200, BODY);
  pool.intercept({ path: '/api/v1/me', method: 'GET' }).reply(401, { message: 'Invalid API key' });
  await expect(getOutboundSyncConnections(options())).resolves.toEqual(CONNECTIONS);
  await expect(getOutboundSyncConnections(options())).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
  agent.assertNoPendingInterceptors();
});
