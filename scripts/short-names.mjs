#!/usr/bin/env node
// Shortens the names by which the .wasm and wasm-bindgen's glue find each other: about 4 KB of
// the .wasm that only these two files read (wasm-bindgen names every import
// `__wbg_<name>_<16 hex digits>` and every closure shim after its full Rust type). binaryen's
// `wasm-opt --minify-imports-and-exports-and-modules` renames them in the .wasm (every import
// from one module, `a`) and prints the map; this script only follows the map in the glue:
//   - `wasm.<export>` becomes `wasm.<short>` (and `startWasm()` calls the start function, if any,
//     by its short name, since the loaders cannot know it);
//   - each glue function the .wasm imports, `__wbg_<name>_<hash>`, becomes `<name>$<short>`: a
//     stack trace through the glue still names it, without the hash;
//   - `wasmImports`, appended to the glue, is the import object: `{ a: { <short>: <function> } }`,
//     from the glue or a snippet (js/errors.js) the .wasm imports directly.
// Run on wasm-pack's output, before other wasm-opt passes strip the target features this one
// reads. A function of the two files alone, so each build runs it once on its own pair:
//   node scripts/short-names.mjs build/bindgen/outboundsync_core_bg.wasm build/bindgen/outboundsync_core_bg.js
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) throw new Error('usage: node scripts/short-names.mjs WASM GLUE');
const wasmOpt = fileURLToPath(new URL('../node_modules/.bin/wasm-opt', import.meta.url));
const before = readFileSync(wasmPath).length;
const map = JSON.parse(execFileSync(wasmOpt, [wasmPath, '--minify-imports-and-exports-and-modules', '-o', wasmPath], { encoding: 'utf8' }));
const [module] = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath))).map((i) => i.module));
let glue = readFileSync(gluePath, 'utf8');

// The glue reaches the .wasm's exports only as `wasm.<name>`.
const exported = new Map(map.exports);
glue = glue.replace(/(?<![\w$.])wasm\.([\w$]+)/g, (whole, name) => (exported.has(name) ? `wasm.${exported.get(name)}` : whole));

// The import object. The glue's module is wasm-bindgen's `./<name>_bg.js`; any other is a
// snippet, imported here under a local name.
const GLUE_MODULE = `./${basename(gluePath)}`;
const snippets = [...new Set(map.imports.map(([from]) => from).filter((from) => from !== GLUE_MODULE))];
const word = (name) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
const entries = map.imports.map(([from, name, short]) => {
  if (from !== GLUE_MODULE) return `${short}: __snippet${snippets.indexOf(from)}.${name}`;
  const declaration = `export function ${name}(`;
  if (!glue.includes(declaration)) throw new Error(`the .wasm imports ${name}, which the glue does not define`);
  const local = `${name.replace(/^__wbg_/, '').replace(/_[0-9a-f]{16}$/, '')}$${short}`;
  glue = glue.replace(declaration, `function ${name}(`).replace(word(name), () => local);
  return `${short}: ${local}`;
});
const start = exported.get('__wbindgen_start');
glue = [
  ...snippets.map((from, i) => `import * as __snippet${i} from ${JSON.stringify(from)};`),
  glue.trimEnd(),
  '',
  '// Written by scripts/short-names.mjs from the names wasm-opt gave the imports and exports.',
  `export const wasmImports = { ${JSON.stringify(module ?? 'a')}: { ${entries.join(', ')} } };`,
  `export function startWasm() {${start ? ` wasm.${start}();` : ''} }`,
  '',
].join('\n');
writeFileSync(gluePath, glue);
console.log(`short-names: ${before} -> ${readFileSync(wasmPath).length} bytes`);
