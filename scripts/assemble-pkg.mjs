#!/usr/bin/env node
// Assembles pkg/, the one npm package for every runtime, from wasm-pack's bundler output in
// build/bindgen/: the .wasm (optimised already), the glue as an ES module, a CommonJS bundle of
// it for Node, one small loader per runtime (js/entries/), the types, the command, and a
// package.json whose `exports` conditions pick the loader.
import { readFileSync, writeFileSync, readdirSync, existsSync, copyFileSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bindgen = join(root, 'build', 'bindgen');
const pkg = join(root, 'pkg');
const WASM = 'outboundsync_core_bg.wasm';
const GLUE_MODULE = './outboundsync_core_bg.js';

rmSync(pkg, { recursive: true, force: true });
mkdirSync(join(pkg, 'bin'), { recursive: true });

// The loaders name the module the wasm imports its glue from; fail loudly if that changes.
const wasmModule = new WebAssembly.Module(readFileSync(join(bindgen, WASM)));
const importModules = [...new Set(WebAssembly.Module.imports(wasmModule).map((i) => i.module))];
if (importModules.length !== 1 || importModules[0] !== GLUE_MODULE) {
  throw new Error(`the wasm imports from ${JSON.stringify(importModules)}, the loaders expect ${GLUE_MODULE}`);
}
copyFileSync(join(bindgen, WASM), join(pkg, WASM));

// The glue, with its import of our error classes pointed at errors.mjs.
const snippetDir = readdirSync(join(bindgen, 'snippets')).find((d) => existsSync(join(bindgen, 'snippets', d, 'js', 'errors.js')));
if (!snippetDir) throw new Error('build/bindgen/snippets/*/js/errors.js not found: did wasm-pack build run?');
const snippetImport = `./snippets/${snippetDir}/js/errors.js`;
const glue = readFileSync(join(bindgen, 'outboundsync_core_bg.js'), 'utf8');
if (!glue.includes(snippetImport)) throw new Error(`the glue does not import ${snippetImport}`);
writeFileSync(join(pkg, 'glue.mjs'), glue.replaceAll(snippetImport, './errors.mjs'));
copyFileSync(join(root, 'js', 'errors.js'), join(pkg, 'errors.mjs'));

// The same glue and classes as one CommonJS file for node.cjs, so Node 18 (no require(esm))
// works and `require` never loads an ES module.
writeFileSync(join(pkg, 'core-entry.mjs'), "export * from './glue.mjs';\nexport * from './errors.mjs';\n");
buildSync({ entryPoints: [join(pkg, 'core-entry.mjs')], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2020', outfile: join(pkg, 'core.cjs'), logLevel: 'warning' });
rmSync(join(pkg, 'core-entry.mjs'));

const entries = ['api.mjs', 'node.cjs', 'node.mjs', 'browser.mjs', 'workerd.mjs', 'edge-light.mjs', 'deno.mjs', 'index.mjs'];
for (const entry of entries) copyFileSync(join(root, 'js', 'entries', entry), join(pkg, entry));
copyFileSync(join(root, 'js', 'index.d.ts'), join(pkg, 'index.d.ts'));
copyFileSync(join(root, 'js', 'index.d.ts'), join(pkg, 'index.d.mts'));
copyFileSync(join(root, 'js', 'cli.cjs'), join(pkg, 'bin', 'outboundsync.cjs'));
chmodSync(join(pkg, 'bin', 'outboundsync.cjs'), 0o755);
copyFileSync(join(root, 'README.md'), join(pkg, 'README.md'));
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => new RegExp(`^${name} = "([^"]*)"`, 'm').exec(cargo)?.[1];
const esm = (file) => ({ types: './index.d.mts', default: file });
const manifest = {
  name: 'outboundsync',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  repository: { type: 'git', url: `git+${field('repository')}.git` },
  keywords: ['outboundsync', 'crm', 'hubspot', 'salesforce', 'api-client', 'wasm', 'cloudflare-workers', 'deno', 'bun'],
  type: 'commonjs',
  engines: { node: '>=18' },
  bin: { outboundsync: 'bin/outboundsync.cjs' },
  main: './node.cjs',
  module: './index.mjs',
  types: './index.d.ts',
  // Order matters: wrangler and Next.js also match `browser`, so their conditions come first.
  exports: {
    '.': {
      workerd: esm('./workerd.mjs'),
      'edge-light': esm('./edge-light.mjs'),
      deno: esm('./deno.mjs'),
      node: {
        import: esm('./node.mjs'),
        require: { types: './index.d.ts', default: './node.cjs' },
      },
      browser: esm('./browser.mjs'),
      import: esm('./index.mjs'),
      require: { types: './index.d.ts', default: './node.cjs' },
      default: esm('./index.mjs'),
    },
    './package.json': './package.json',
  },
  files: ['bin/', ...entries, 'glue.mjs', 'errors.mjs', 'core.cjs', WASM, 'index.d.ts', 'index.d.mts', 'README.md', 'LICENSE'],
  sideEffects: false,
};
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`assembled pkg/ (outboundsync ${manifest.version})`);
