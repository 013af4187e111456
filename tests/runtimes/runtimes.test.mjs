// The packed package, installed into a fresh project, in every runtime users take it to:
// Node 18, 20, 22 and 24 (CommonJS and ES modules), Deno, Bun, and browser builds by Vite,
// webpack and esbuild in headless Chromium and Firefox. Each runs the matching js-examples/
// file against the local API double, with a key that works and with one that gets a 401,
// which must surface as OutboundSyncAuthenticationError. Workers: workers.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, createReadStream, existsSync, readdirSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { join, extname } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startDouble, listen, FIXTURE_KEYS } from '../double/server.mjs';
import { installPackedPackage } from '../pkg/installed.mjs';
import { readFromPage } from './webdriver.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
// The runtimes and tools come from tests/runtimes/package.json (installed by make test).
const tools = join(root, 'tests', 'runtimes', 'node_modules');
const bin = (name) => join(tools, '.bin', name);
const NODES = {
  18: join(tools, 'node18', 'bin', 'node'),
  20: process.execPath,
  22: join(tools, 'node22', 'bin', 'node'),
  24: join(tools, 'node24', 'bin', 'node'),
};
const GOOD = FIXTURE_KEYS.accountWide;
const BAD = 'osapi_test_revoked_key_0000';

let dir;
let double;
let baseUrl;

before(async () => {
  dir = installPackedPackage();
  cpSync(join(root, 'js-examples'), dir, { recursive: true });
  double = await startDouble();
  baseUrl = double.url;
});

after(() => double.stop());

/** Runs a command in the fixture project with the key (and the double) in its environment. */
async function example(command, args, key) {
  const env = { ...process.env, OUTBOUNDSYNC_API_KEY: key, OUTBOUNDSYNC_BASE_URL: baseUrl };
  try {
    const { stdout, stderr } = await run(command, args, { cwd: dir, env, timeout: 60_000 });
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

test('Bun', async () => {
  await checkExample(bin('bun'), ['bun.mjs']);
  await checkExample(bin('bun'), ['node-cjs.cjs']);
});

// ---- browsers --------------------------------------------------------------------------------

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

async function serve(folder) {
  const server = http.createServer((req, res) => {
    const file = join(folder, new URL(req.url, 'http://x').pathname);
    if (!file.startsWith(folder) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return { url: await listen(server), close: () => server.close() };
}

const bundles = {
  async vite() {
    await run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', '../dist-vite', '--emptyOutDir'], { cwd: join(dir, 'browser') });
    return join(dir, 'dist-vite');
  },
  async webpack() {
    writeFileSync(join(dir, 'webpack.config.cjs'), "module.exports = { mode: 'production', entry: './browser/main.js', output: { path: require('node:path').join(__dirname, 'dist-webpack'), filename: 'main.js', clean: true } };\n");
    await run(bin('webpack'), ['--config', 'webpack.config.cjs'], { cwd: dir });
    copyFileSync(join(dir, 'browser', 'index.html'), join(dir, 'dist-webpack', 'index.html'));
    return join(dir, 'dist-webpack');
  },
  async esbuild() {
    // esbuild leaves `new URL('./x.wasm', import.meta.url)` as it is: the .wasm goes next to
    // the bundle, as the README says.
    const out = join(dir, 'dist-esbuild');
    mkdirSync(out, { recursive: true });
    await build({ entryPoints: [join(dir, 'browser', 'main.js')], bundle: true, format: 'esm', platform: 'browser', outdir: out, logLevel: 'warning' });
    copyFileSync(join(dir, 'node_modules', 'outboundsync', 'outboundsync_core_bg.wasm'), join(out, 'outboundsync_core_bg.wasm'));
    copyFileSync(join(dir, 'browser', 'index.html'), join(out, 'index.html'));
    return out;
  },
};

for (const [bundler, make] of Object.entries(bundles)) {
  test(`${bundler} build in headless Chromium and Firefox`, async () => {
    const folder = await make();
    assert.ok(readdirSync(folder, { recursive: true }).some((f) => String(f).endsWith('.wasm')), 'no .wasm emitted');
    const site = await serve(folder);
    try {
      for (const browser of ['chromium', 'firefox']) {
        const page = (key) => `${site.url}/index.html?key=${encodeURIComponent(key)}&baseUrl=${encodeURIComponent(baseUrl)}`;
        const ok = await readFromPage(browser, page(GOOD), '__outboundsync');
        assert.deepEqual(ok.connections?.map((c) => c.id), [7, 8, 9], `${browser}: ${JSON.stringify(ok)}`);
        const rejected = await readFromPage(browser, page(BAD), '__outboundsync');
        assert.deepEqual(rejected, { error: 'OutboundSyncAuthenticationError', code: 'unauthorized', authError: true }, browser);
      }
    } finally {
      site.close();
    }
  });
}

test('publint and arethetypeswrong report nothing', async () => {
  const pkgDir = join(root, 'pkg');
  const lint = await run(bin('publint'), ['--strict'], { cwd: pkgDir });
  assert.doesNotMatch(lint.stdout, /Errors|Warnings|Suggestions/, lint.stdout);
  const types = await run(bin('attw'), ['--pack', '.', '--format', 'json'], { cwd: pkgDir, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(types.stdout);
  assert.ok(report.analysis, 'no analysis in the attw report');
  assert.deepEqual(Object.values(report.problems ?? {}).flat(), [], JSON.stringify(report.problems));
  assert.deepEqual(Object.values(report.analysis.problems ?? {}).flat(), []);
  assert.deepEqual(Object.keys(report.analysis.entrypoints), ['.', './package.json']);
});
