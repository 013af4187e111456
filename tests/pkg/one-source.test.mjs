// Facts the package derives from one source still agree where they must be written again: the
// error codes, classes and option names as the Rust core defines them (src/errors/client_error.rs,
// src/options/config.rs; printed by examples/contract.rs into build/contract.json when the package is
// assembled) against js/errors.js, index.d.ts's options, the command and the README; and every
// entry of the package exports exactly what index.d.ts declares. Adding a name on one side only
// fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path) => readFileSync(`${root}${path}`, 'utf8');
const pkg = (file) => `${root}pkg/${file}`;
const sorted = (names) => [...new Set(names)].sort();
const all = (text, pattern) => [...text.matchAll(pattern)].map((m) => m[1]);
/** The part of `text` from the line matching `start` to the next line matching `end`. */
function block(text, start, end) {
  const from = text.search(start);
  assert.ok(from >= 0, `${start} not found`);
  const rest = text.slice(from);
  return rest.slice(0, rest.slice(1).search(end) + 1);
}

const contract = JSON.parse(read('build/contract.json'));
const RUST_CODES = sorted(contract.codes.map((c) => c.code));
const OPTION_NAMES = sorted(contract.options);

const errors = await import(pkg('errors.mjs'));
// The one code built in JavaScript: the .wasm itself could not be loaded.
const JS_CODES = [errors.loadError('inline', new Error('z')).code];
const CODES = sorted([...RUST_CODES, ...JS_CODES]);
const CLASSES = sorted(['OutboundSyncError', ...contract.classes]);

const types = readFileSync(pkg('index.d.ts'), 'utf8');
const DECLARED_EXPORTS = sorted(all(types, /^export declare (?:function|class) (\w+)/gm));

test('the contract printed from Rust is whole', () => {
  // A guard on the table itself: an empty or truncated list would make every check below pass.
  assert.equal(RUST_CODES.length, 15);
  assert.equal(contract.classes.length, 9);
  assert.ok(OPTION_NAMES.includes('apiKey') && OPTION_NAMES.includes('dangerouslyAllowBrowser'), OPTION_NAMES.join());
  assert.deepEqual(JS_CODES, ['wasm_load_failed']);
  for (const { code, class: cls, retryable } of contract.codes) {
    const err = errors.createError(cls, 'x', { code, retryable });
    assert.equal(err.name, cls, code);
    assert.equal(err.retryable, retryable, code);
  }
});

test('error codes: Rust and JS = index.d.ts = the command = the README table', () => {
  const unions = all(types, /^export type OutboundSync\w*ErrorCode =([^;]*);/gm).join('\n');
  assert.deepEqual(sorted(all(unions, /'(\w+)'/g)), CODES, 'index.d.ts');
  const { EXIT_FOR } = require(pkg('bin/outboundsync.cjs'));
  assert.deepEqual(sorted(Object.keys(EXIT_FOR)), CODES, 'the command (js/cli.cjs EXIT_FOR)');
  for (const code of CODES) assert.ok(Number.isInteger(EXIT_FOR[code]) && EXIT_FOR[code] > 0, code);
  const table = block(read('README.md'), /^\| class \| code \| when \|$/m, /^$/m);
  const codeColumn = all(table, /^\|[^|]+\|([^|]+)\|/gm).join();
  assert.deepEqual(sorted(all(codeColumn, /`(\w+)`/g)), CODES, 'README.md error table');
  // Each row gives its codes the class Rust gives them.
  for (const [, cls, codes] of table.matchAll(/^\| `(\w+)` \|([^|]+)\|/gm)) {
    for (const code of all(codes, /`(\w+)`/g)) {
      assert.equal(contract.codes.find((c) => c.code === code)?.class ?? 'OutboundSyncError', cls, `README.md: ${code}`);
    }
  }
});

test('error classes: Rust = js/errors.js = index.d.ts = the README table', () => {
  const jsClasses = Object.entries(errors).filter(([, v]) => typeof v === 'function' && (v === Error || v.prototype instanceof Error)).map(([k]) => k);
  assert.deepEqual(sorted(jsClasses), CLASSES, 'js/errors.js');
  assert.deepEqual(sorted(all(types, /^export declare class (\w+)/gm)), CLASSES, 'index.d.ts');
  const table = block(read('README.md'), /^\| class \| code \| when \|$/m, /^$/m);
  assert.deepEqual(sorted([...all(table, /^\| `(OutboundSync\w+)`/gm), 'OutboundSyncError']), CLASSES, 'README.md error table');
});

test('option names: src/options/config.rs = index.d.ts = the README table', () => {
  const options = block(types, /^export interface OutboundSyncOptions \{$/m, /^\}$/m);
  assert.deepEqual(sorted(all(options, /^ {2}(\w+)\?:/gm)), OPTION_NAMES, 'index.d.ts OutboundSyncOptions');
  const table = block(read('README.md'), /^\| option \| default \|/m, /^$/m);
  assert.deepEqual(sorted(all(table, /^\| `(\w+)`/gm)), OPTION_NAMES, 'README.md options table');
});

test('every entry exports exactly what index.d.ts declares', async () => {
  assert.ok(DECLARED_EXPORTS.includes('getOutboundSyncConnections') && DECLARED_EXPORTS.includes('OutboundSyncAbortError'));
  assert.deepEqual(sorted(Object.keys(require(pkg('node.cjs')))), DECLARED_EXPORTS, 'node.cjs');
  // Importing these in Node runs nothing of their runtime's (the .wasm is loaded on first call).
  for (const entry of ['node.mjs', 'index.mjs', 'browser.mjs', 'deno.mjs']) {
    assert.deepEqual(sorted(Object.keys(await import(pkg(entry)))), DECLARED_EXPORTS, entry);
  }
  // These import the .wasm as a module, which only their runtimes do: esbuild lists their exports.
  for (const entry of ['workerd.mjs', 'edge-light.mjs']) {
    const { metafile } = await build({
      entryPoints: [pkg(entry)], bundle: true, format: 'esm', write: false, metafile: true, outdir: '/nonexistent', logLevel: 'silent',
      external: ['*.wasm', '*.wasm?module'],
    });
    const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint);
    assert.deepEqual(sorted(output.exports), DECLARED_EXPORTS, entry);
  }
});
