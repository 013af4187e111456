// Load against the local API double: 1,000 concurrent calls and 10,000 sequential calls (100,000
// under `make bench`: LOAD_SEQUENTIAL_CALLS) return correct results, and the wasm instance's
// memory does not grow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startDouble, FIXTURE_KEYS } from '../support/double.mjs';
import { captureWasmInstance, linearMemory } from '../support/wasm-instance.mjs';

const wasmInstance = captureWasmInstance();
const client = createRequire(import.meta.url)('../../pkg/node.cjs');

const SEQUENTIAL = Number(process.env.LOAD_SEQUENTIAL_CALLS ?? 10_000);
let double;
let baseUrl;

before(async () => {
  double = await startDouble();
  // A scenario path: the documented endpoint allows 120 requests a minute.
  baseUrl = `${double.url}/__scenario/load/ok`;
});

after(() => double.stop());

const call = (apiKey = FIXTURE_KEYS.accountWide) => client.getOutboundSyncConnections({ apiKey, baseUrl });

test('1,000 concurrent calls all return the right connections', async () => {
  const keys = [FIXTURE_KEYS.accountWide, FIXTURE_KEYS.connectionScoped];
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => call(keys[i % 2]).then((c) => [i, c])));
  for (const [i, connections] of results) {
    assert.deepEqual(connections.map((c) => c.id), i % 2 ? [8] : [7, 8, 9]);
  }
});

test(`${SEQUENTIAL.toLocaleString('en')} sequential calls, with no growth in wasm memory`, async () => {
  const memory = () => linearMemory(wasmInstance()).buffer.byteLength;
  for (let i = 0; i < 1000; i += 1) assert.equal((await call()).length, 3);
  const after1k = memory();
  let wrong = 0;
  for (let i = 1000; i < SEQUENTIAL; i += 1) {
    const connections = await call();
    if (connections.length !== 3 || connections[2].organizationDomain !== null) wrong += 1;
  }
  assert.equal(wrong, 0);
  assert.equal(memory(), after1k, `wasm memory grew from ${after1k} to ${memory()} bytes`);
});
