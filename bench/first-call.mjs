// One fresh process's first call, in steps, for make bench --only=firstcall. Run with the cwd a
// project whose node_modules/outboundsync is the package measured:
//   node bench/first-call.mjs package|baseline stub|<loopback base URL>
// Prints JSON: ms to import; within the first call, to get the .wasm bytes (from the call's
// start until compiling starts: reading the file, or decoding the base64), to compile and to
// instantiate them; the first call's own work (its time less those three); the second call,
// later calls.
const [who, upstream] = process.argv.slice(2);
const now = () => performance.now();
const steps = { import: 0, bytes: 0, compile: 0, instantiate: 0 };
let firstCompileAt;

// The entries compile and instantiate inside the first call: time them where they happen.
const timed = (fn, step) => new Proxy(fn, {
  construct(target, args, newTarget) {
    const start = now();
    firstCompileAt ??= start;
    try { return Reflect.construct(target, args, newTarget); } finally { steps[step] += now() - start; }
  },
  apply(target, self, args) {
    const start = now();
    firstCompileAt ??= start;
    const result = Reflect.apply(target, self, args);
    return result.finally(() => { steps[step] += now() - start; });
  },
});
WebAssembly.Module = timed(WebAssembly.Module, 'compile');
WebAssembly.Instance = timed(WebAssembly.Instance, 'instantiate');
WebAssembly.compile = timed(WebAssembly.compile, 'compile');
WebAssembly.instantiate = timed(WebAssembly.instantiate, 'instantiate'); // from bytes: compiles too

const KEY = 'osapi_test_bench_first_call';
const body = JSON.stringify({
  account: { id: 42, email: null },
  apiKey: { name: 'Production', scopes: ['read'], connectionScope: 'account' },
  connections: [1, 2, 3].map((id) => ({ id, crm: 'HUBSPOT', organizationId: String(id), organizationDomain: null })),
});
const stub = () => Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));

// fetch's own first use is not the package's: pay it before anything is timed.
await new Response(body).json();
if (upstream !== 'stub') await (await fetch(`${upstream}/api/v1/me`)).text();
// Node's fetch compiles its own wasm (llhttp): let that settle, then count only ours.
await new Promise((resolve) => setTimeout(resolve, 100));
steps.compile = 0;
steps.instantiate = 0;
firstCompileAt = undefined;

let start = now();
const mod = who === 'package' ? await import('outboundsync') : await import('./baseline.mjs');
steps.import = now() - start;
const call = who === 'package'
  ? () => mod.getOutboundSyncConnections(upstream === 'stub' ? { apiKey: KEY, fetch: stub } : { apiKey: KEY, baseUrl: upstream })
  : () => (upstream === 'stub' ? mod.baseline(KEY, stub) : mod.baselineWithTimeout(KEY, fetch, `${upstream}/api/v1/me`));
const time = async () => {
  const t = now();
  if ((await call()).length !== 3) throw new Error('wrong result');
  return now() - t;
};
const firstAt = now();
steps.first = await time();
if (firstCompileAt !== undefined) steps.bytes = firstCompileAt - firstAt;
steps.first -= steps.bytes + steps.compile + steps.instantiate;
steps.second = await time();
const later = [];
for (let i = 0; i < 10; i += 1) later.push(await time());
steps.later = later.sort((a, b) => a - b)[5];
console.log(JSON.stringify(steps));
