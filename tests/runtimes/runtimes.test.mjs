// The packed package, installed into a fresh project, in the server runtimes users take it to:
// Node 18, 20, 22 and 24 (CommonJS and ES modules), Deno and Bun. Each runs the matching
// js-examples/ file against the local API double, with a key that works and with one that gets
// a 401, which must surface as OutboundSyncAuthenticationError. Workers, Next.js and browser
// pages have their own files here; publint and attw check the package's manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { run, root, bin, NODES, GOOD, BAD, project, useExampleProject } from './fixture.mjs';

useExampleProject();

/** Runs a command in the fixture project with the key (and the double) in its environment. */
async function example(command, args, key) {
  const env = { ...process.env, OUTBOUNDSYNC_API_KEY: key, OUTBOUNDSYNC_BASE_URL: project.double.url };
  try {
    const { stdout, stderr } = await run(command, args, { cwd: project.dir, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (err.code === undefined || typeof err.code === 'string') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function checkExample(command, args) {
  const ok = await example(command, args, GOOD);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).map((c) => c.id), [7, 8, 9]);
  const rejected = await example(command, args, BAD);
  assert.equal(rejected.code, 1, rejected.stdout);
  assert.match(rejected.stderr, /^The key was rejected: OutboundSync rejected the API key \(HTTP 401/);
}

for (const [version, node] of Object.entries(NODES)) {
  test(`Node ${version}: CommonJS and ES modules`, async () => {
    const { stdout } = await run(node, ['--version']);
    assert.match(stdout, new RegExp(`^v${version}\\.`));
    await checkExample(node, ['node-cjs.cjs']);
    await checkExample(node, ['node-esm.mjs']);
  });
}

test('Deno', async () => {
  await checkExample(bin('deno'), ['run', '--allow-env=OUTBOUNDSYNC_API_KEY,OUTBOUNDSYNC_BASE_URL', '--allow-net=127.0.0.1', '--allow-read', 'deno.mjs']);
});

test('Deno KV as cacheStore: refused as it is, with the adapter that works', async () => {
  copyFileSync(join(root, 'tests', 'runtimes', 'deno-kv.mjs'), join(project.dir, 'deno-kv.mjs'));
  const out = await example(bin('deno'), ['run', '--unstable-kv', '--allow-env=OUTBOUNDSYNC_API_KEY,OUTBOUNDSYNC_BASE_URL', '--allow-net=127.0.0.1', '--allow-read', 'deno-kv.mjs'], GOOD);
  assert.equal(out.code, 0, out.stderr);
  const { refused, ids, stored } = JSON.parse(out.stdout);
  assert.equal(refused.code, 'invalid_option', JSON.stringify(refused));
  assert.match(refused.message, /got a Deno KV store.*\{ get: async \(k\) => \(await kv\.get\(\[k\]\)\)\.value, set: \(k, v, ttlMs\) => kv\.set\(\[k\], v, \{ expireIn: ttlMs \}\) \}/);
  assert.deepEqual(ids, [7, 8, 9]);
  assert.equal(stored.length, 1, JSON.stringify(stored));
  assert.match(stored[0], /^outboundsync:v2:[0-9a-f]{64}$/);
});

test('Bun', async () => {
  await checkExample(bin('bun'), ['bun.mjs']);
  await checkExample(bin('bun'), ['node-cjs.cjs']);
});

test('publint and arethetypeswrong report nothing', async () => {
  const pkgDir = join(root, 'pkg');
  // CI sets `CI`, which turns publint's colours on: read its report as plain text either way.
  const lint = await run(bin('publint'), ['--strict'], { cwd: pkgDir, env: { ...process.env, NO_COLOR: '1' } });
  const said = stripVTControlCharacters(lint.stdout);
  // One suggestion is declined on purpose: publint would have the `browser` field folded into
  // `exports`, which it is already; the field is for Parcel, which reads it and not `exports`.
  const declined = /^Suggestions:\n1\. pkg\.browser with an object value can be refactored to use pkg\.exports.*\n/m;
  assert.match(said, /Linting/, said);
  assert.doesNotMatch(said.replace(declined, ''), /Errors|Warnings|Suggestions/, said);
  // attw exits 1 on any problem, the expected one below included: its report says which.
  const types = await run(bin('attw'), ['--pack', '.', '--format', 'json'], { cwd: pkgDir, maxBuffer: 64 * 1024 * 1024 }).catch((err) => err);
  const report = JSON.parse(types.stdout);
  assert.ok(report.analysis, 'no analysis in the attw report');
  // One problem by design: outboundsync/wasm-url is an ES module only (its URL is import.meta's,
  // which bundlers resolve), so CommonJS under node16 can only import() it.
  const expected = [{ kind: 'CJSResolvesToESM', entrypoint: './wasm-url', resolutionKind: 'node16-cjs' }];
  assert.deepEqual(Object.values(report.problems ?? {}).flat(), expected, JSON.stringify(report.problems));
  assert.deepEqual(Object.values(report.analysis.problems ?? {}).flat(), expected);
  assert.deepEqual(Object.keys(report.analysis.entrypoints), ['.', './vite', './wasm-url', './package.json']);
});
