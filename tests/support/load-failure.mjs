// What every loader's failure must look like (load.test.mjs, load-browser.test.mjs).
import assert from 'node:assert/strict';

/** `call()` rejects with `api`'s OutboundSyncError, code wasm_load_failed, saying `tried`. */
export async function rejectsAsLoadFailure(call, api, tried) {
  const err = await call().then(() => assert.fail('the call did not reject'), (e) => e);
  assert.ok(err instanceof api.OutboundSyncError, `${err}`);
  assert.equal(err.name, 'OutboundSyncError');
  assert.equal(err.code, 'wasm_load_failed');
  assert.equal(err.retryable, true, 'the message says the next call tries again');
  assert.match(err.message, tried);
  assert.match(err.message, /The next call tries again\.$/);
  return err;
}
