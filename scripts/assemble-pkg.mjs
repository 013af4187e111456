#!/usr/bin/env node
// Assembles pkg/, the one npm package for every runtime, from wasm-pack's bundler output of the
// two builds (build/bindgen/: full; build/bindgen-browser/: browser): each .wasm (optimised
// already) and its glue as an ES module, a CommonJS bundle of the full one for Node, one small
// loader per runtime (js/entries/), the bundler helpers (js/bundlers/), the types, the command,
// and a package.json whose `exports` conditions pick the loader.
import { readFileSync, writeFileSync, readdirSync, existsSync, copyFileSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = join(root, 'pkg');
// The Makefile's two builds of the crate, each a .wasm and its glue: the full one for Node,
// workerd, Vercel Edge and Deno; the browser one, without the `fleet` feature, for the `browser`
// condition's browser.mjs. Both glues import the one errors.mjs, so an entry's error classes are
// the ones its glue throws.
const BUILDS = [
  { bindgen: join(root, 'build', 'bindgen'), name: 'outboundsync_core', glue: 'glue.mjs' },
  { bindgen: join(root, 'build', 'bindgen-browser'), name: 'outboundsync_browser', glue: 'glue-browser.mjs' },
];
const [FULL] = BUILDS;
const WASM = `${FULL.name}_bg.wasm`;

rmSync(pkg, { recursive: true, force: true });
mkdirSync(join(pkg, 'bin'), { recursive: true });

// Each build's .wasm, and its glue with its imports of our JS modules (wasm-bindgen snippets:
// js/errors.js) pointed at copies next to it. errors.mjs is also what the entries export the
// classes from.
const copyName = (file) => file.replace(/\.js$/, '.mjs');
const snippets = new Set();
for (const build of BUILDS) {
  copyFileSync(join(build.bindgen, `${build.name}_bg.wasm`), join(pkg, `${build.name}_bg.wasm`));
  const snippetRoot = join(build.bindgen, 'snippets');
  const snippetDir = existsSync(snippetRoot) && readdirSync(snippetRoot).find((d) => existsSync(join(snippetRoot, d, 'js', 'errors.js')));
  if (!snippetDir) throw new Error(`${snippetRoot}/*/js/errors.js not found: did the Makefile's wasm-pack build run?`);
  const snippetPath = (file) => `./snippets/${snippetDir}/js/${file}`;
  let glue = readFileSync(join(build.bindgen, `${build.name}_bg.js`), 'utf8');
  for (const file of readdirSync(join(snippetRoot, snippetDir, 'js'))) {
    glue = glue.replaceAll(snippetPath(file), `./${copyName(file)}`);
    snippets.add(file);
  }
  if (glue.includes('./snippets/')) throw new Error(`${build.glue} imports a snippet that was not copied`);
  writeFileSync(join(pkg, build.glue), independentOfTestGlobals(glue));
}
for (const file of snippets) copyFileSync(join(root, 'js', file), join(pkg, copyName(file)));

/** Replaces `pattern` in `text`, which must match exactly `times` times: a wasm-bindgen that
 * writes its glue differently fails the build here rather than shipping the old behaviour. */
function replaceExactly(text, pattern, replacement, times, why) {
  const found = text.split(pattern).length - 1;
  if (found !== times) throw new Error(`the glue has ${found} of ${JSON.stringify(pattern)}, expected ${times} (${why})`);
  return text.replaceAll(pattern, replacement);
}

/** The glue, loading and settling calls whatever a test runner does to the globals:
 * - The futures queue (js-sys's) runs through the global `queueMicrotask` when there is one, looked
 *   up at each call; Jest's default fake timers replace it and hold its callbacks until the
 *   clock moves, and one held callback leaves the queue waiting for good, even with real timers
 *   back. Told there is none, the queue uses its own fallback, `then` on a resolved promise,
 *   which no fake clock touches.
 * - TextDecoder and TextEncoder, which the glue makes when it is evaluated, come from
 *   text-codecs.mjs: made on first use from the runtime's (Jest's jsdom environment has none;
 *   then Buffer). */
function independentOfTestGlobals(text) {
  const out = replaceExactly(text, 'const ret = arg0.queueMicrotask;', 'const ret = undefined; // the futures queue uses Promise#then (scripts/assemble-pkg.mjs)', 1, 'the futures queue');
  if (/^import .*Text(De|En)coder/m.test(out)) throw new Error('the glue imports TextDecoder or TextEncoder already');
  return `import { TextDecoder, TextEncoder } from './text-codecs.mjs';\n${out}`;
}

// The .wasm inside JavaScript, for the entries used where a file read from beside a module does
// not travel (Node, and every server bundler's output). Written once, as CommonJS: node.cjs
// requires it (Node 18 has no require(esm), and an import() would fail in Jest's CommonJS), and
// index.mjs imports it, which Node and every bundler that resolves index.mjs allow. The bytes are
// deflated before base64 (the tarball carries them beside the .wasm file: 90 KB packed as plain
// base64, 70 KB deflated) and inflated on an entry's first call: by node:zlib where the runtime
// lends it through process.getBuiltinModule (Node 20.16+, Bun, Deno: native; a call, not a
// require, so no bundler turns it into one that throws in an ES module bundle), else by fflate's
// inflater (inflate.cjs), required only then: fflate builds its tables when it is evaluated,
// which a fresh Node process would pay for nothing. Base64 is decoded by Buffer where there is
// one (native), else atob.
const deflated = deflateRawSync(readFileSync(join(pkg, WASM)), { level: 9 }).toString('base64');
const inline = [
  "'use strict';",
  `// Generated by scripts/assemble-pkg.mjs from ${WASM}, deflated.`,
  `const DEFLATED = '${deflated}';`,
  'function inflater() {',
  '  try {',
  "    const zlib = globalThis.process?.getBuiltinModule?.('node:zlib');",
  "    if (typeof zlib?.inflateRawSync === 'function') return zlib.inflateRawSync;",
  '  } catch {',
  '    // not lent: fflate',
  '  }',
  "  return require('./inflate.cjs').inflateSync;",
  '}',
  'exports.wasmBytes = function wasmBytes() {',
  "  if (typeof globalThis.Buffer === 'function') return inflater()(globalThis.Buffer.from(DEFLATED, 'base64'));",
  '  const text = atob(DEFLATED);',
  '  const bytes = new Uint8Array(text.length);',
  '  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);',
  '  return inflater()(bytes);',
  '};',
  '',
].join('\n');
writeFileSync(join(pkg, 'wasm-inline.cjs'), inline);
// fflate's inflater, bundled from the workspace's fflate with its MIT license.
const fflateLicense = readFileSync(join(root, 'node_modules', 'fflate', 'LICENSE'), 'utf8').trim().split('\n').map((line) => `// ${line}`.trimEnd());
const banner = ["'use strict';", "// Generated by scripts/assemble-pkg.mjs: fflate's inflateSync (https://github.com/101arrowz/fflate).", ...fflateLicense].join('\n');
buildSync({ stdin: { contents: "export { inflateSync } from 'fflate';", resolveDir: root, sourcefile: 'inflate.mjs' }, bundle: true, minify: true, format: 'cjs', platform: 'neutral', target: 'es2020', banner: { js: banner }, outfile: join(pkg, 'inflate.cjs'), logLevel: 'warning' });

// The names users rely on, as the Rust core defines them (examples/contract.rs): the error codes
// with their classes, and the option names. index.d.ts's error declarations are written from it,
// and tests/pkg/one-source.test.mjs reads it from build/.
const contract = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--example', 'contract'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
writeFileSync(join(root, 'build', 'contract.json'), `${JSON.stringify(contract, null, 2)}\n`);

// The error classes every entry exports, in Rust's order: js/errors.js must define exactly the
// base class and the ones src/errors/client_error.rs names.
const CLASSES = ['OutboundSyncError', ...contract.classes];
const defined = Object.entries(await import(join(pkg, 'errors.mjs'))).filter(([, v]) => typeof v === 'function' && (v.name === 'OutboundSyncError' || v.prototype instanceof Error)).map(([name]) => name);
if (defined.sort().join() !== [...CLASSES].sort().join()) throw new Error(`js/errors.js defines ${defined.join(', ')}; src/errors/client_error.rs names ${CLASSES.join(', ')}`);
writeFileSync(join(pkg, 'classes.mjs'), `// Generated by scripts/assemble-pkg.mjs: the error classes, which every entry exports.\nexport { ${CLASSES.join(', ')} } from './errors.mjs';\n`);

// One small loader per runtime; node.mjs gets the class list where its marker is.
const entries = ['api.mjs', 'text-codecs.mjs', 'node.cjs', 'node.mjs', 'browser.mjs', 'browser.cjs', 'workerd.mjs', 'edge-light.mjs', 'deno.mjs', 'index.mjs'];
for (const entry of entries) {
  const text = readFileSync(join(root, 'js', 'entries', entry), 'utf8');
  writeFileSync(join(pkg, entry), text.replace('/* @classes */', CLASSES.join(', ')));
}

// The same glue and classes, and the ES entries' loader, as one CommonJS file for node.cjs, so
// Node 18 (no require(esm)) works and `require` never loads an ES module.
writeFileSync(join(pkg, 'core-entry.mjs'), "export * from './glue.mjs';\nexport * as glue from './glue.mjs';\nexport * from './errors.mjs';\nexport * as classes from './classes.mjs';\nexport { createApi } from './api.mjs';\n");
buildSync({ entryPoints: [join(pkg, 'core-entry.mjs')], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2020', outfile: join(pkg, 'core.cjs'), logLevel: 'warning' });
rmSync(join(pkg, 'core-entry.mjs'));

// The result types come from the Rust model: tsify writes them into wasm-bindgen's .d.ts (the
// exports themselves are skip_typescript), and they replace the marker line in js/index.d.ts.
const MODEL_TYPES = ['OutboundSyncMe', 'Account', 'ApiKeyInfo', 'ConnectionScope', 'Connection'];
const generated = readFileSync(join(FULL.bindgen, `${FULL.name}.d.ts`), 'utf8')
  .replace(/^\/\* (?:tslint:disable|eslint-disable) \*\/\n/gm, '')
  .trim();
const declared = [...generated.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
const exported = [...generated.matchAll(/^export .*/gm)];
if (exported.length !== declared.length || MODEL_TYPES.some((t) => !declared.includes(t))) {
  throw new Error(`wasm-bindgen's .d.ts does not hold exactly the model types (${MODEL_TYPES.join(', ')}):\n${generated}`);
}
const MARKER = /^\/\/ @model: .*$/m;
const handTyped = readFileSync(join(root, 'js', 'index.d.ts'), 'utf8');
if (!MARKER.test(handTyped)) throw new Error('js/index.d.ts has no // @model: marker line');
// The error codes and classes, from the contract: a class with one code declares it, a class
// with several a union named for it. The JS-only codes (OutboundSyncLoadErrorCode) are typed by hand.
const ERRORS = /^\/\/ @errors: .*$/m;
if (!ERRORS.test(handTyped)) throw new Error('js/index.d.ts has no // @errors: marker line');
const quoted = (codes) => codes.map((c) => `'${c.code}'`).join(' | ');
const codesOf = (cls) => contract.codes.filter((c) => c.class === cls);
const codeType = (cls) => (codesOf(cls).length > 1 ? `${cls}Code` : quoted(codesOf(cls)));
const errorTypes = [
  '// Generated from src/errors/client_error.rs (examples/contract.rs).',
  ...contract.classes.filter((cls) => codesOf(cls).length > 1).map((cls) => `export type ${cls}Code = ${quoted(codesOf(cls))};`),
  `export type OutboundSyncErrorCode = ${[...new Set(contract.codes.map((c) => codeType(c.class)))].join(' | ')} | OutboundSyncLoadErrorCode;`,
  ...contract.classes.map((cls) => `export declare class ${cls} extends OutboundSyncError {\n  code: ${codeType(cls)};\n}`),
].join('\n');
const types = handTyped.replace(MARKER, `// Generated from src/body/model.rs (tsify).\n${generated}`).replace(ERRORS, errorTypes);
writeFileSync(join(pkg, 'index.d.ts'), types);
writeFileSync(join(pkg, 'index.d.mts'), types);
// The Vite plugin (`outboundsync/vite`), CommonJS with an ES module wrapper, and its types;
// `outboundsync/wasm-url`, the browser .wasm's URL as a bundler emits it (ES module only: only
// bundlers give it a meaning).
// wasm-url's types are the same for import and require: one source, written under both names.
const BUNDLER_FILES = ['vite.cjs', 'vite.mjs', 'vite.d.ts', 'vite.d.mts', 'wasm-url.mjs', 'wasm-url.d.mts', 'wasm-url.d.ts'];
const bundlerSource = (file) => (file === 'wasm-url.d.mts' ? 'wasm-url.d.ts' : file);
for (const file of BUNDLER_FILES) copyFileSync(join(root, 'js', 'bundlers', bundlerSource(file)), join(pkg, file));
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
  // 18.7: the command's util.parseArgs with tokens.
  engines: { node: '>=18.7' },
  bin: { outboundsync: 'bin/outboundsync.cjs' },
  main: './node.cjs',
  module: './index.mjs',
  // For bundlers that read the fields and not `exports` (Parcel 2 by default): a page's build
  // takes the entry that fetches the .wasm in place of `module`'s, which carries its base64 copy.
  browser: { './index.mjs': './browser.mjs' },
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
      // `require` under `browser`: Jest's jsdom environment, which is CommonJS.
      browser: { require: { types: './index.d.ts', default: './browser.cjs' }, ...esm('./browser.mjs') },
      import: esm('./index.mjs'),
      require: { types: './index.d.ts', default: './node.cjs' },
      default: esm('./index.mjs'),
    },
    './vite': {
      import: { types: './vite.d.mts', default: './vite.mjs' },
      require: { types: './vite.d.ts', default: './vite.cjs' },
    },
    './wasm-url': { types: './wasm-url.d.mts', default: './wasm-url.mjs' },
    './package.json': './package.json',
  },
  // Only `outboundsync/vite` uses Vite, as the plugin of the user's own Vite.
  peerDependencies: { vite: '>=5' },
  peerDependenciesMeta: { vite: { optional: true } },
  files: ['bin/', ...entries, 'classes.mjs', ...BUILDS.flatMap((b) => [b.glue, `${b.name}_bg.wasm`]), 'wasm-inline.cjs', 'inflate.cjs', ...[...snippets].map(copyName), 'core.cjs', ...BUNDLER_FILES, 'index.d.ts', 'index.d.mts', 'README.md', 'LICENSE'],
  sideEffects: false,
};
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`assembled pkg/ (outboundsync ${manifest.version})`);
