#!/usr/bin/env node
// Shortens the names by which the .wasm and wasm-bindgen's glue find each other, in both files
// of build/bindgen/ before scripts/assemble-pkg.mjs reads them. wasm-bindgen names every import
// `__wbg_<name>_<16 hex digits>` and every closure shim after its full Rust type: about 4 KB of
// the .wasm that only these two files ever read. Imports become `$0`, `$1`, ... (the glue's
// function of that name), exports the glue calls as `wasm.<name>` become `_0`, `_1`, ...;
// `memory`, `__wbindgen_start` (the loaders use them), the glue's own exports and exports the
// glue never calls keep their names. The module the glue's functions are imported from,
// `./<the glue's file name>` in each of the hundred imports, becomes `g` (GLUE_MODULE in
// assemble-pkg, which hands it the glue).
//   node scripts/short-names.mjs build/bindgen/outboundsync_core_bg.wasm build/bindgen/outboundsync_core_bg.js
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [wasmPath, gluePath] = process.argv.slice(2);
const GLUE_MODULE = `./${basename(gluePath)}`;
const SHORT_MODULE = 'g';
const KEEP = new Set(['memory', '__wbindgen_start']);
const bytes = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

function reader(buf, pos) {
  const r = {
    pos,
    byte: () => buf[r.pos++],
    u32() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = buf[r.pos++];
        result += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) return result;
        shift += 7;
      }
    },
    name() {
      const length = r.u32();
      const text = buf.toString('utf8', r.pos, r.pos + length);
      r.pos += length;
      return text;
    },
    limits() {
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    },
  };
  return r;
}

function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const name = (text) => {
  const encoded = Buffer.from(text, 'utf8');
  return Buffer.concat([u32(encoded.length), encoded]);
};
/** Every mention of `identifier` as a whole word. */
const word = (identifier) => new RegExp(`(?<![\\w$])${identifier.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
const count = (text, identifier) => (text.match(word(identifier)) ?? []).length;

/** The import section with the glue's names shortened, renaming the glue's functions to match. */
function imports(body) {
  const r = reader(body, 0);
  const parts = [u32(r.u32())];
  let next = 0;
  const total = body.length;
  while (r.pos < total) {
    let module = r.name();
    let field = r.name();
    const descStart = r.pos;
    const kind = r.byte();
    if (kind === 0) r.u32();
    else if (kind === 1) { r.byte(); r.limits(); }
    else if (kind === 2) r.limits();
    else if (kind === 3) { r.byte(); r.byte(); }
    else if (kind === 4) { r.byte(); r.u32(); }
    else throw new Error(`import kind ${kind}`);
    const declaration = `export function ${field}(`;
    if (module === GLUE_MODULE && kind === 0 && glue.includes(declaration)) {
      const short = `$${(next++).toString(36)}`;
      if (count(glue, field) === 1) glue = glue.replace(declaration, `export function ${short}(`);
      else glue += `export { ${field} as ${short} };\n`;
      field = short;
    }
    if (module === GLUE_MODULE) module = SHORT_MODULE;
    parts.push(name(module), name(field), body.subarray(descStart, r.pos));
  }
  return Buffer.concat(parts);
}

/** The export section with the names the glue calls as `wasm.<name>` shortened, in the glue too. */
function exports(body) {
  const r = reader(body, 0);
  const parts = [u32(r.u32())];
  let next = 0;
  while (r.pos < body.length) {
    let exported = r.name();
    const descStart = r.pos;
    r.byte();
    r.u32();
    // Called by the glue, and not a name the glue itself exports: every mention of it in the
    // glue (the call, and the local wrapper wasm-bindgen gives a closure shim the same name)
    // is renamed.
    const exportedByGlue = new RegExp(`export (function|const|let|class) ${exported}(?![\\w$])|export \\{[^}]*(?<![\\w$])${exported}(?![\\w$])`).test(glue);
    if (!KEEP.has(exported) && glue.includes(`wasm.${exported}`) && !exportedByGlue) {
      const short = `_${(next++).toString(36)}`;
      glue = glue.replace(word(exported), short);
      exported = short;
    }
    parts.push(name(exported), body.subarray(descStart, r.pos));
  }
  return Buffer.concat(parts);
}

const out = [bytes.subarray(0, 8)];
const r = reader(bytes, 8);
while (r.pos < bytes.length) {
  const id = r.byte();
  const size = r.u32();
  const body = bytes.subarray(r.pos, r.pos + size);
  r.pos += size;
  const rewritten = id === 2 ? imports(body) : id === 7 ? exports(body) : body;
  out.push(Buffer.from([id]), u32(rewritten.length), rewritten);
}
const wasm = Buffer.concat(out);
new WebAssembly.Module(wasm); // still a valid module
writeFileSync(wasmPath, wasm);
writeFileSync(gluePath, glue);
console.log(`short-names: ${bytes.length} -> ${wasm.length} bytes`);
