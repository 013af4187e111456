// Cloudflare Workers: js-examples/worker.mjs bundled by wrangler itself, as users deploy it
// (`wrangler deploy --dry-run --outdir` writes what `wrangler deploy` would upload), then that
// bundle run in workerd through Miniflare against the local API double. It exercises the
// package's `workerd` entry, which imports the .wasm as a module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { run, tools, NODES, GOOD, BAD, project, useExampleProject } from './fixture.mjs';

useExampleProject();

/** The upload `wrangler deploy` would make, written to `out`. Wrangler 4 needs Node 22.12+. */
async function wranglerBundle(out) {
  const env = { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: join(project.dir, 'wrangler-logs') };
  await run(NODES[24], [join(tools, 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--outdir', out], { cwd: project.dir, env, timeout: 120_000 });
  return readdirSync(out);
}

test('Cloudflare Workers: the wrangler bundle in workerd (Miniflare)', async () => {
  const out = join(project.dir, 'dist-worker');
  const files = await wranglerBundle(out);
  // The date the example's wrangler.jsonc asks for (its comments are whole lines).
  const config = JSON.parse(readFileSync(join(project.dir, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  const script = files.find((f) => f.endsWith('.js'));
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(script && wasm, `wrangler wrote ${files.join(', ')}: the .wasm must be its own module`);

  for (const [key, status, check] of [
    [GOOD, 200, (body) => assert.deepEqual(body.map((c) => c.id), [7, 8, 9])],
    [BAD, 401, (body) => assert.deepEqual([body.error, body.code], ['OutboundSyncAuthenticationError', 'unauthorized'])],
  ]) {
    const mf = new Miniflare({
      modules: true, modulesRoot: out, scriptPath: join(out, script), compatibilityDate: config.compatibility_date,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      bindings: { OUTBOUNDSYNC_API_KEY: key, OUTBOUNDSYNC_BASE_URL: project.double.url },
    });
    try {
      // One isolate serves many requests: nothing a request leaves behind (a signal, a
      // promise) may hang the next one, which workerd binds to its own I/O context.
      for (let request = 1; request <= 3; request += 1) {
        const res = await mf.dispatchFetch('http://worker.test/');
        const text = await res.text(); // an uncaught exception in the Worker is a plain-text 500
        assert.equal(res.status, status, `request ${request}: ${text}`);
        check(JSON.parse(text));
      }
    } finally {
      await mf.dispose();
    }
  }
});
