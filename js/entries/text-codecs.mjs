// The TextDecoder and TextEncoder the wasm-bindgen glue uses (scripts/assemble-pkg.mjs imports
// these into it in place of the globals). Each makes the runtime's own codec on its first use,
// not when the glue is evaluated: Jest's jsdom environment has neither global, and the package
// must load there. Where the global is missing, Node's Buffer (which Jest's jsdom environment
// keeps) does the same UTF-8 work. Read through globalThis, so no bundler sees a `Buffer` to
// polyfill.

function runtimeCodec(name, args, fallback) {
  const Codec = globalThis[name];
  if (typeof Codec === 'function') return new Codec(...args);
  const buffer = globalThis.Buffer;
  if (typeof buffer === 'function') return fallback(buffer);
  throw new Error(`outboundsync needs a ${name}, and this runtime has neither it nor Buffer`);
}

export class TextDecoder {
  constructor(...args) {
    this.args = args;
  }

  decode(bytes) {
    // The glue decodes nothing once at start-up, to warm the decoder; that needs no codec.
    if (bytes === undefined && this.codec === undefined) return '';
    this.codec ??= runtimeCodec('TextDecoder', this.args, (buffer) => ({
      decode: (view) => (view ? buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('utf8') : ''),
    }));
    return this.codec.decode(bytes);
  }
}

export class TextEncoder {
  encode(text) {
    return this.codec().encode(text);
  }

  encodeInto(text, view) {
    return this.codec().encodeInto(text, view);
  }

  codec() {
    this.made ??= runtimeCodec('TextEncoder', [], (buffer) => ({
      encode: (text) => buffer.from(text, 'utf8'),
      // The glue gives a view of up to three bytes per UTF-16 unit: the whole text fits.
      encodeInto: (text, view) => ({ read: text.length, written: buffer.from(view.buffer, view.byteOffset, view.byteLength).write(text, 'utf8') }),
    }));
    return this.made;
  }
}
