// Server bundles: a tiny server program that imports the packed package, bundled by esbuild
// (ESM and CommonJS, and --platform=neutral), webpack, Rollup (plain, and with the `node` condition), Vite's SSR build
// and `bun build`, each with its defaults and nothing configured for this package. Users deploy
// the build output alone (a Lambda, a container), so each bundle runs from a fresh temp folder
// with no node_modules above it, after the folder it was built in is deleted (bun build bakes
// absolute paths in). Importing it must do no work; calling must work and reject as typed, and
// fetch nothing but the API (the .wasm travels inside the bundle).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run, root, here, bin, GOOD, BAD, project, useExampleProject } from './fixture.mjs';

useExampleProject();

const temps = [];
after(() => {
  for (const dir of [...temps, project.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

// Counts WebAssembly compiles, and records fetches of anything but the API double (a .wasm the
// bundle fetched instead of carrying), imported first so it sees any the package's import would do.
const SPY = `
let compiles = 0;
const elsewhere = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.startsWith(process.env.TEST_DOUBLE_URL)) elsewhere.push(url);
  return realFetch(input, init);
};
for (const name of ['Module', 'compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
  if (!WebAssembly[name]) continue;
  WebAssembly[name] = new Proxy(WebAssembly[name], {
    apply: (target, self, args) => (compiles++, Reflect.apply(target, self, args)),
    construct: (target, args, newTarget) => (compiles++, Reflect.construct(target, args, newTarget)),
  });
}
export const wasmCompiles = () => compiles;
export const fetchedElsewhere = () => elsewhere;
`;

// No top-level await, so the one source also bundles to CommonJS. Keys come from the
// environment at run time, never from the bundle.
const SERVER = `
import { wasmCompiles, fetchedElsewhere } from './wasm-spy.mjs';
import { getOutboundSyncConnections, OutboundSyncError, OutboundSyncAuthenticationError } from 'outboundsync';

async function calls() {
  const baseUrl = process.env.TEST_DOUBLE_URL;
  const connections = await getOutboundSyncConnections({ apiKey: process.env.TEST_GOOD_KEY, baseUrl });
  try {
    await getOutboundSyncConnections({ apiKey: process.env.TEST_BAD_KEY, baseUrl });
    return { ids: connections.map((c) => c.id), rejected: null, fetchedElsewhere: fetchedElsewhere() };
  } catch (err) {
    const rejected = { authentication: err instanceof OutboundSyncAuthenticationError, base: err instanceof OutboundSyncError, code: err.code };
    return { ids: connections.map((c) => c.id), rejected, fetchedElsewhere: fetchedElsewhere() };
  }
}

if (process.argv[2] === 'import-only') {
  // Once nothing is left to run, so a compile the import started asynchronously counts too.
  process.once('beforeExit', () => console.log(JSON.stringify({ wasmCompiles: wasmCompiles(), fetchedElsewhere: fetchedElsewhere() })));
} else {
  calls().then((result) => console.log(JSON.stringify(result)), (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
`;

const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
const ROLLUP_CONFIG = (resolveOptions) => `
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';

export default {
  input: 'src/server.mjs',
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs' },
  plugins: [nodeResolve(${resolveOptions}), commonjs()],
};
`;

/** Each set-up: the command that builds dist/ in the work folder, its config files, the file
 * of dist/ to run and the runtime to run it in. */
const SETUPS = [
  { name: 'esbuild --bundle --platform=node --format=esm', command: esbuild, args: ['src/server.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/server.mjs'], entry: 'server.mjs' },
  // Neutral resolves only `import`/`default` (index.mjs): the bytes must be in the bundle.
  { name: 'esbuild --bundle --platform=neutral', command: esbuild, args: ['src/server.mjs', '--bundle', '--platform=neutral', '--outfile=dist/server.mjs'], entry: 'server.mjs' },
  { name: 'esbuild --bundle --platform=node --format=cjs', command: esbuild, args: ['src/server.mjs', '--bundle', '--platform=node', '--format=cjs', '--outfile=dist/server.cjs'], entry: 'server.cjs' },
  {
    name: "webpack 5, target: 'node'",
    command: bin('webpack'),
    args: ['--config', 'webpack.config.mjs'],
    // mode spelled out only to silence webpack's warning that it defaults to production.
    files: { 'webpack.config.mjs': "export default { mode: 'production', target: 'node', entry: './src/server.mjs' };\n" },
    entry: 'main.js',
  },
  { name: 'Rollup, node-resolve and commonjs', command: bin('rollup'), args: ['-c', 'rollup.config.mjs'], files: { 'rollup.config.mjs': ROLLUP_CONFIG('') }, entry: 'server.mjs' },
  { name: "Rollup, node-resolve with exportConditions: ['node'] and commonjs", command: bin('rollup'), args: ['-c', 'rollup.config.mjs'], files: { 'rollup.config.mjs': ROLLUP_CONFIG("{ exportConditions: ['node'] }") }, entry: 'server.mjs' },
  { name: 'Vite SSR build, ssr.noExternal: true', command: bin('vite'), args: ['build', '--ssr', 'src/server.mjs'], files: { 'vite.config.mjs': 'export default { ssr: { noExternal: true } };\n' }, entry: 'server.mjs' },
  { name: 'bun build --target=bun', command: bin('bun'), args: ['build', '--target=bun', 'src/server.mjs', '--outdir', 'dist'], entry: 'server.js', runtime: [bin('bun'), '--no-install'] },
];

/** Builds the program with `setup` in a work folder inside tests/runtimes/ (so the tools resolve
 * from its node_modules), copies dist/ to a fresh temp folder and deletes the work folder, the
 * package's install folder with it. Returns that temp folder. */
async function buildAndDeploy(setup) {
  mkdirSync(join(here, '.work'), { recursive: true });
  const work = mkdtempSync(join(here, '.work', 'bundlers-'));
  temps.push(work);
  mkdirSync(join(work, 'src'));
  writeFileSync(join(work, 'src', 'server.mjs'), SERVER);
  writeFileSync(join(work, 'src', 'wasm-spy.mjs'), SPY);
  for (const [file, text] of Object.entries(setup.files ?? {})) writeFileSync(join(work, file), text);
  cpSync(join(project.dir, 'node_modules', 'outboundsync'), join(work, 'node_modules', 'outboundsync'), { recursive: true });
  try {
    await run(setup.command, setup.args, { cwd: work, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    assert.fail(`${setup.name}: the build failed: ${err.message}\n${err.stdout ?? ''}`);
  }
  const deployed = mkdtempSync(join(tmpdir(), 'outboundsync-bundle-'));
  temps.push(deployed);
  cpSync(join(work, 'dist'), deployed, { recursive: true });
  rmSync(work, { recursive: true, force: true });
  for (let dir = deployed; ; dir = dirname(dir)) {
    assert.ok(!existsSync(join(dir, 'node_modules')), `${dir} has a node_modules the bundle could resolve from`);
    if (dir === dirname(dir)) break;
  }
  return deployed;
}

/** Runs the deployed bundle in `mode`; its exit code, stdout and stderr. */
async function runBundle(setup, deployed, mode) {
  const [command, ...flags] = setup.runtime ?? [process.execPath];
  const { NODE_PATH, ...env } = process.env; // another way to a package outside the bundle
  Object.assign(env, { TEST_DOUBLE_URL: project.double.url, TEST_GOOD_KEY: GOOD, TEST_BAD_KEY: BAD });
  try {
    const { stdout, stderr } = await run(command, [...flags, join(deployed, setup.entry), mode], { cwd: deployed, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (err.code === undefined || typeof err.code === 'string') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

for (const setup of SETUPS) {
  test(`${setup.name}: the bundle runs on its own`, async (t) => {
    const started = Date.now();
    const deployed = await buildAndDeploy(setup);
    const built = Date.now();
    const said = (out) => `${setup.name} (${readdirSync(deployed).join(', ')}) exited ${out.code}:\n${out.stdout}${out.stderr}`;
    const json = (out) => {
      try {
        return JSON.parse(out.stdout);
      } catch {
        return assert.fail(said(out));
      }
    };

    const imported = await runBundle(setup, deployed, 'import-only');
    assert.equal(imported.code, 0, said(imported));
    assert.equal(imported.stderr, '', said(imported));
    assert.deepEqual(json(imported), { wasmCompiles: 0, fetchedElsewhere: [] }, 'importing the package compiled or fetched its .wasm');

    const called = await runBundle(setup, deployed, 'calls');
    assert.equal(called.code, 0, said(called));
    assert.deepEqual(json(called), { ids: [7, 8, 9], rejected: { authentication: true, base: true, code: 'unauthorized' }, fetchedElsewhere: [] }, said(called));
    t.diagnostic(`built in ${built - started} ms, ran in ${Date.now() - built} ms`);
  });
}
