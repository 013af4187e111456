// Browser pages: js-examples/browser/ (the key checker) with the packed package, built by Vite,
// webpack, Rspack, Parcel, Rollup (node-resolve for the browser), bun build --target=browser and
// esbuild (ESM, and its default iife as a classic <script>), served from loopback
// and used in headless Chromium and Firefox through Selenium WebDriver, as a person would: type
// the key into the password field (and the local API double's address into the advanced field),
// press the button, read the page. Vite's build uses outboundsync/vite and esbuild's page has the
// README's line: both preload the .wasm, which each browser then downloads once (counted at the
// server); vite-preload/ checks which pages of a Vite build get the link. Then the other places a browser runs the package, each making
// one call for a result and one for a typed 401 (browser-probe/): workers (esbuild's classic
// Worker, Vite's module and classic workers), a Chrome MV3 extension's service worker and page,
// its content script on a site that would serve a .wasm of its own, and pages and extensions
// whose Content-Security-Policy forbids WebAssembly. No browser build
// carries the base64 copy of the .wasm that server bundles need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import { By, until } from 'selenium-webdriver';
import { listen } from '../support/double.mjs';
import { freePort } from '../support/ports.mjs';
import { run, root, bin, here, tools, GOOD, BAD, project, useExampleProject, startProcess, waitForServer } from './fixture.mjs';
import { browsers, withBrowser, probe as probePage, WAIT_MS } from './webdriver.mjs';

useExampleProject();

// ---- builds --------------------------------------------------------------------------------

const bundles = {
  async vite() {
    await run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', '../dist-vite', '--emptyOutDir'], { cwd: join(project.dir, 'browser') });
    return join(project.dir, 'dist-vite');
  },
  async webpack() {
    const out = join(project.dir, 'dist-webpack');
    await run(bin('webpack'), ['--config', 'browser/webpack.config.cjs', '--output-path', out], { cwd: project.dir });
    copyFileSync(join(project.dir, 'browser', 'index.html'), join(out, 'index.html'));
    return out;
  },
  async esbuild() {
    // esbuild leaves `new URL('./x.wasm', import.meta.url)` as it is: the .wasm goes next to
    // the bundle, as the README says.
    const out = join(project.dir, 'dist-esbuild');
    mkdirSync(out, { recursive: true });
    await build({ entryPoints: [join(project.dir, 'browser', 'main.js')], bundle: true, format: 'esm', platform: 'browser', outdir: out, logLevel: 'warning' });
    copyFileSync(join(project.dir, 'node_modules', 'outboundsync', 'outboundsync_browser_bg.wasm'), join(out, 'outboundsync_browser_bg.wasm'));
    // The README's one line for a page whose .wasm sits beside its bundle under its own name.
    const html = readFileSync(join(project.dir, 'browser', 'index.html'), 'utf8');
    writeFileSync(join(out, 'index.html'), html.replace('<head>', `<head>\n    ${PRELOAD_BESIDE}`));
    return out;
  },
  async rollup() {
    // node-resolve for the browser, Rollup's defaults otherwise. Rollup leaves the .wasm's URL as
    // it is: the one step is copying the .wasm next to the bundle, as the README says.
    writeFileSync(join(project.dir, 'rollup.config.mjs'), [
      "import { createRequire } from 'node:module';",
      `const { nodeResolve } = createRequire(${JSON.stringify(join(tools, 'x'))})('@rollup/plugin-node-resolve');`,
      "export default { input: 'browser/main.js', output: { dir: 'dist-rollup', format: 'es' }, plugins: [nodeResolve({ browser: true })] };",
      '',
    ].join('\n'));
    await run(bin('rollup'), ['-c', 'rollup.config.mjs'], { cwd: project.dir });
    return withWasmAndPage('dist-rollup');
  },
  async bun() {
    // bun leaves the .wasm's URL as it is too: the same one step.
    await run(bin('bun'), ['build', 'browser/main.js', '--target=browser', '--outdir', 'dist-bun'], { cwd: project.dir });
    return withWasmAndPage('dist-bun');
  },
  async parcel() {
    // Parcel 2's default build of the page; it reads the package's `browser` field (not
    // `exports`), and must neither inline the .wasm nor install a Node polyfill.
    const before = readFileSync(join(project.dir, 'package.json'), 'utf8');
    await run(bin('parcel'), ['build', 'browser/index.html', '--dist-dir', 'dist-parcel'], { cwd: project.dir, env: { ...process.env, CI: '1' } });
    assert.equal(readFileSync(join(project.dir, 'package.json'), 'utf8'), before, 'Parcel changed package.json (a polyfill installed)');
    assert.deepEqual(readdirSync(join(project.dir, 'node_modules')).filter((name) => !name.startsWith('.')), ['outboundsync'], 'Parcel installed a package');
    return join(project.dir, 'dist-parcel');
  },
  async rspack() {
    // Rspack's defaults, given the entry and the output folder on the command line.
    const out = join(project.dir, 'dist-rspack');
    await run(bin('rspack'), ['build', '--entry', './browser/main.js', '--output-path', out], { cwd: project.dir });
    copyFileSync(join(project.dir, 'browser', 'index.html'), join(out, 'index.html'));
    return out;
  },
  async 'esbuild iife'() {
    // esbuild's default format, loaded by a classic <script>: import.meta is empty there.
    const out = await esbuildIife('browser', ['main.js'], 'dist-esbuild-iife');
    const html = readFileSync(join(project.dir, 'browser', 'index.html'), 'utf8');
    writeFileSync(join(out, 'index.html'), html.replace('<script type="module" src="./main.js">', '<script src="./main.js">'));
    return out;
  },
};

/** The project's `folder` of build output, with the package's .wasm copied in (the README's one
 * step for Rollup and bun) and the page beside it. */
function withWasmAndPage(folder) {
  const out = join(project.dir, folder);
  copyFileSync(join(project.dir, 'node_modules', 'outboundsync', 'outboundsync_browser_bg.wasm'), join(out, 'outboundsync_browser_bg.wasm'));
  copyFileSync(join(project.dir, 'browser', 'index.html'), join(out, 'index.html'));
  return out;
}

/** esbuild's defaults for a browser (`--bundle`, iife) of `entries` in `source` (a folder of the
 * project), with the .wasm copied beside the output as the README says. */
async function esbuildIife(source, entries, outName) {
  const out = join(project.dir, outName);
  mkdirSync(out, { recursive: true });
  await build({ entryPoints: entries.map((e) => join(project.dir, source, e)), bundle: true, outdir: out, logLevel: 'error' });
  copyFileSync(join(project.dir, 'node_modules', 'outboundsync', 'outboundsync_browser_bg.wasm'), join(out, 'outboundsync_browser_bg.wasm'));
  return out;
}

/** The README's preload line for pages whose .wasm is copied beside the bundle (esbuild). */
const PRELOAD_BESIDE = '<link rel="preload" href="./outboundsync_browser_bg.wasm" as="fetch" type="application/wasm" crossorigin>';

/** The preload links of a built page, as [href, the rest of the tag]. */
const preloads = (html) => [...html.matchAll(/<link rel="preload" href="([^"]+)"([^>]*)>/g)].map((m) => [m[1], m[2].trim()]);

/** Each of `pages` in `folder` preloads the .wasm its bundle loads, once (the bundlers here
 * that write the link: Vite with outboundsync/vite, the README's line for esbuild). */
function assertPreloadsWasm(folder, label) {
  const links = preloads(readFileSync(join(folder, 'index.html'), 'utf8'));
  assert.equal(links.length, 1, `${label}: ${JSON.stringify(links)}`);
  const [href, rest] = links[0];
  assert.equal(rest, 'as="fetch" type="application/wasm" crossorigin', label);
  assert.match(href, /outboundsync_browser_bg(-[\w-]+)?\.wasm$/, label);
  assert.ok(existsSync(join(folder, new URL(href, 'http://x/').pathname)), `${label}: ${href} is not in the build`);
}

const WASM_BASE64_MAGIC = 'AGFzbQ'; // "\0asm", the first bytes of any .wasm, as base64
/** The start of the server entries' copy of the .wasm (deflated, as base64) in wasm-inline.cjs. */
const INLINE_COPY = readFileSync(join(root, 'pkg', 'wasm-inline.cjs'), 'utf8').match(/["'`]([A-Za-z0-9+/]{64})[A-Za-z0-9+/=]{10000,}["'`]/)[1];

/** Fails if a file of a browser build carries the .wasm inside its JavaScript: the server
 * entries' copy, or any .wasm a bundler turned into base64. */
function assertNoBase64Wasm(folder, label) {
  for (const file of readdirSync(folder, { recursive: true })) {
    const path = join(folder, String(file));
    if (!/\.(m?js|cjs|html)$/.test(path)) continue;
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes(WASM_BASE64_MAGIC) && !text.includes(INLINE_COPY), `${label}: ${file} carries the .wasm as base64`);
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** A static file server on loopback for a build's output folder, answering with `headers` too,
 * counting the requests it gets per path. */
async function serve(folder, headers = {}) {
  const requests = new Map();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const file = join(folder, path === '/' ? 'index.html' : path);
    if (!file.startsWith(folder) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  // `wasmRequests()`: how many requests reached the server for .wasm files, by path.
  const wasmRequests = () => Object.fromEntries([...requests].filter(([path]) => path.endsWith('.wasm')));
  return { url: await listen(server), close: () => server.close(), wasmRequests, reset: () => requests.clear() };
}

// ---- the key checker in the browsers (webdriver.mjs) -----------------------------------------

/** Types the key (and a base URL, under "Advanced") into the form and presses the button. */
async function check(driver, { key, baseUrl }) {
  const keyField = await driver.findElement(By.id('api-key'));
  await keyField.clear();
  await keyField.sendKeys(key);
  const baseUrlField = await driver.findElement(By.id('base-url'));
  if (!(await baseUrlField.isDisplayed())) await driver.findElement(By.css('details > summary')).click();
  await baseUrlField.clear();
  await baseUrlField.sendKeys(baseUrl);
  await driver.findElement(By.id('submit')).click();
}

async function waitForSection(driver, id) {
  const section = await driver.findElement(By.id(id));
  await driver.wait(until.elementIsVisible(section), WAIT_MS, `#${id} never showed`);
}

const text = async (driver, selector) => (await driver.findElement(By.css(selector)).getText()).trim();

async function useKeyChecker(driver, site, label, preloaded) {
  await driver.get(`${site}/`);

  // The .wasm's download started with the page, before any call: by the preload link where the
  // page has one, else by the entry's own early fetch.
  const downloads = "return performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('.wasm')).map((e) => e.initiatorType)";
  await driver.wait(async () => (await driver.executeScript(downloads)).length > 0, WAIT_MS, `${label}: the .wasm was not downloaded before the first call`);
  assert.deepEqual(await driver.executeScript(downloads), [preloaded ? 'link' : 'fetch'], label);

  await check(driver, { key: GOOD, baseUrl: project.double.url });
  await waitForSection(driver, 'result');
  assert.equal(await text(driver, '#account'), '42 (you@company.com)', label);
  assert.equal(await text(driver, '#key-name'), 'Production', label);
  assert.equal(await text(driver, '#key-scope'), 'account-wide (every API-enabled connection); scopes: read', label);
  const rows = await driver.findElements(By.css('#connections tbody tr'));
  const cells = await Promise.all(rows.map(async (row) => Promise.all((await row.findElements(By.css('td'))).map((td) => td.getText()))));
  assert.deepEqual(cells, [
    ['7', 'HUBSPOT', 'acme.com', '123'],
    ['8', 'SALESFORCE', 'acme.my.salesforce.com', '00D5g000004TEST'],
    ['9', 'HUBSPOT', '—', '—'],
  ], label);
  assert.equal(await driver.findElement(By.id('failure')).isDisplayed(), false, label);

  await check(driver, { key: BAD, baseUrl: project.double.url });
  await waitForSection(driver, 'failure');
  assert.match(await text(driver, '#failure-message'), /^OutboundSync rejected the API key \(HTTP 401/, label);
  assert.equal(await text(driver, '#failure-code'), 'unauthorized', label);
  assert.match(await text(driver, '#failure-request-id'), /^req_double_\d+$/, label);
  assert.equal(await driver.findElement(By.id('result')).isDisplayed(), false, label);

  // The key went nowhere but the Authorization header: not into the address, not into the page.
  const url = await driver.getCurrentUrl();
  const source = await driver.getPageSource();
  for (const key of [GOOD, BAD]) {
    assert.ok(!url.includes(key) && !source.includes(key), `${label}: the key is in the page's URL or markup`);
  }

  // A request that never answers (a double scenario) leaves the page busy for as long as it waits.
  await check(driver, { key: GOOD, baseUrl: `${project.double.url}/__scenario/busy-${label.replace(/\W/g, '-')}/hang` });
  const button = await driver.findElement(By.id('submit'));
  await driver.wait(async () => !(await button.isEnabled()), WAIT_MS, 'the button stayed enabled during the call');
  assert.equal(await text(driver, '#status'), 'Checking the key…', label);
  assert.equal(await driver.findElement(By.id('check')).getAttribute('aria-busy'), 'true', label);
  assert.equal(await driver.findElement(By.id('failure')).isDisplayed(), false, label);
}

// The builds whose page has a preload link for the .wasm: Vite's through outboundsync/vite
// (js-examples/browser/vite.config.mjs), esbuild's as the README writes it by hand.
const PRELOADING = new Set(['vite', 'esbuild']);

for (const [bundler, make] of Object.entries(bundles)) {
  test(`${bundler} build of the key checker in headless Chromium and Firefox`, async () => {
    const folder = await make();
    assert.ok(readdirSync(folder, { recursive: true }).some((f) => String(f).endsWith('.wasm')), 'no .wasm emitted');
    assertNoBase64Wasm(folder, bundler);
    const preloading = PRELOADING.has(bundler);
    if (preloading) assertPreloadsWasm(folder, bundler);
    const site = await serve(folder);
    try {
      for (const name of Object.keys(browsers)) {
        site.reset();
        await withBrowser(name, (driver) => useKeyChecker(driver, site.url, `${bundler} in ${name}`, preloading));
        // One download of the .wasm per page load, preloaded or not: the entry's fetch takes
        // the preloaded response (or its own early download), and later calls reuse the instance.
        const wasm = site.wasmRequests();
        assert.deepEqual(Object.values(wasm), [1], `${bundler} in ${name}: ${JSON.stringify(wasm)}`);
      }
    } finally {
      site.close();
    }
  });
}

// ---- outboundsync/vite on several pages (vite-preload/) -------------------------------------

test('outboundsync/vite preloads the .wasm on exactly the pages that import the package, under either base, and not in dev', async () => {
  const dir = join(project.dir, 'vite-preload');
  cpSync(join(here, 'vite-preload'), dir, { recursive: true });
  const built = {};
  for (const base of ['/', './']) {
    const out = join(project.dir, `dist-vite-preload${base === '/' ? '' : '-relative'}`);
    await run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir', '--base', base], { cwd: dir });
    const wasm = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `${base}: ${wasm}`);
    const page = (file) => preloads(readFileSync(join(out, file), 'utf8'));
    const link = (href) => [[href, 'as="fetch" type="application/wasm" crossorigin']];
    assert.deepEqual(page('index.html'), link(base === '/' ? `/assets/${wasm[0]}` : `assets/${wasm[0]}`), base);
    assert.deepEqual(page('nested/page.html'), link(base === '/' ? `/assets/${wasm[0]}` : `../assets/${wasm[0]}`), base);
    assert.deepEqual(page('plain.html'), [], `${base}: a page without the package`);
    assert.deepEqual(page('lazy.html'), [], `${base}: a page that imports the package dynamically`);
    built[base] = out;
  }

  // The relative build's nested page and the lazy page, in Chromium: one download each, from
  // the link where there is one, and a result.
  const site = await serve(built['./']);
  try {
    await withBrowser('chromium', async (driver) => {
      for (const [path, initiator] of [['nested/page.html', 'link'], ['lazy.html', 'fetch']]) {
        site.reset();
        assert.deepEqual(await probe(driver, `${site.url}/${path}`), [7, 8, 9], path);
        const downloads = await driver.executeScript("return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).map((e) => e.initiatorType)");
        assert.deepEqual(downloads, [initiator], path);
        assert.deepEqual(Object.values(site.wasmRequests()), [1], path);
      }
    });
  } finally {
    site.close();
  }

  // `vite` (dev): the page is served without a preload, and a call works in Chromium, with the
  // package pre-bundled as Vite's dev server does with every dependency (the .wasm found and
  // downloaded once).
  const port = await freePort();
  const dev = startProcess(bin('vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: dir });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForServer(`${url}/`, dev.child);
    const response = await fetch(`${url}/`);
    assert.equal(response.status, 200);
    assert.deepEqual(preloads(await response.text()), []);
    await withBrowser('chromium', async (driver) => {
      assert.deepEqual(await probe(driver, `${url}/`), [7, 8, 9], dev.output());
      const downloads = await driver.executeScript("return performance.getEntriesByType('resource').filter((e) => e.name.includes('.wasm')).map((e) => e.name)");
      assert.equal(downloads.length, 1, JSON.stringify(downloads));
    });
  } finally {
    await dev.stop();
  }
});

// ---- workers, extensions, Content-Security-Policy (browser-probe/) --------------------------

/** The probe sources copied into the project, so `outboundsync` resolves to the packed package. */
function probeSources() {
  const dir = join(project.dir, 'probe');
  if (!existsSync(dir)) cpSync(join(here, 'browser-probe'), dir, { recursive: true });
  return dir;
}

/** Opens `url` and runs its `window.probe(args)` with the fixture's keys and the double's
 * address: what the calls gave (see browser-probe/calls.js). */
function probe(driver, url, args) {
  return probePage(driver, url, { good: GOOD, bad: BAD, baseUrl: project.double.url, ...args });
}

/** A probe's result: the three connections, then a typed 401. */
function assertCalled(result, label) {
  assert.deepEqual(result?.ids, [7, 8, 9], `${label}: ${JSON.stringify(result)}`);
  assert.equal(result.rejected?.name, 'OutboundSyncAuthenticationError', label);
  assert.equal(result.rejected.code, 'unauthorized', label);
  assert.equal(result.rejected.typed, true, `${label}: the 401 is not instanceof OutboundSyncAuthenticationError`);
}

/** A probe's result where a Content-Security-Policy forbids WebAssembly: each call rejects with
 * wasm_load_failed, whose message names the policy and its fix before anything else. */
function assertRefusedByPolicy(result, label) {
  for (const failure of [result?.ids, result?.rejected]) {
    assert.equal(failure?.code, 'wasm_load_failed', `${label}: ${JSON.stringify(result)}`);
    assert.match(failure.message, /^outboundsync could not load its WebAssembly module: a Content-Security-Policy forbids compiling WebAssembly here\. Add 'wasm-unsafe-eval' to its script-src/, label);
  }
}

const probeBuilds = {
  /** esbuild's iife: a page that runs the calls in a classic Worker, both beside the .wasm. */
  async 'esbuild iife, classic Worker'() {
    probeSources();
    const out = await esbuildIife('probe', ['classic-worker-page.js', 'worker.js'], 'dist-probe-esbuild-worker');
    writeFileSync(join(out, 'index.html'), '<!doctype html><title>probe</title><script src="./classic-worker-page.js"></script>\n');
    return out;
  },
  /** Vite's defaults: one page whose workers Vite bundles, started as module or classic. */
  async 'Vite workers'() {
    const dir = probeSources();
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>probe</title><script type="module" src="./vite-workers-page.js"></script>\n');
    await run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', '../dist-probe-vite', '--emptyOutDir'], { cwd: dir });
    return join(project.dir, 'dist-probe-vite');
  },
};

test('esbuild iife in a classic Worker, Vite module and classic workers, in headless Chromium and Firefox', async () => {
  const runs = [['esbuild iife, classic Worker', {}], ['Vite workers', { worker: 'module' }], ['Vite workers', { worker: 'classic' }]];
  const sites = {};
  try {
    for (const [name, make] of Object.entries(probeBuilds)) {
      const folder = await make();
      assertNoBase64Wasm(folder, name);
      sites[name] = await serve(folder);
    }
    for (const browser of Object.keys(browsers)) {
      await withBrowser(browser, async (driver) => {
        for (const [name, args] of runs) {
          assertCalled(await probe(driver, `${sites[name].url}/`, args), `${name} ${JSON.stringify(args)} in ${browser}`);
        }
      });
    }
  } finally {
    for (const site of Object.values(sites)) site.close();
  }
});

test("a page whose Content-Security-Policy lacks 'wasm-unsafe-eval' is told so first, in headless Chromium and Firefox", async () => {
  probeSources();
  const folder = await esbuildIife('probe', ['page.js'], 'dist-probe-page');
  writeFileSync(join(folder, 'index.html'), '<!doctype html><title>probe</title><script src="./page.js"></script>\n');
  // The API double is another origin: connect-src allows it as a real policy would allow the API.
  const policy = (script) => ({ 'content-security-policy': `default-src 'self'; script-src ${script}; connect-src 'self' ${project.double.url}` });
  const strict = await serve(folder, policy("'self'"));
  const allowing = await serve(folder, policy("'self' 'wasm-unsafe-eval'"));
  try {
    for (const browser of Object.keys(browsers)) {
      await withBrowser(browser, async (driver) => {
        assertRefusedByPolicy(await probe(driver, `${strict.url}/`), `script-src 'self' in ${browser}`);
        assertCalled(await probe(driver, `${allowing.url}/`), `script-src 'self' 'wasm-unsafe-eval' in ${browser}`);
      });
    }
  } finally {
    strict.close();
    allowing.close();
  }
});

/** Chromium's id for an unpacked extension: the first 32 hex digits of the SHA-256 of its
 * folder's path, written with the letters a to p. */
function extensionId(folder) {
  const hex = createHash('sha256').update(realpathSync(folder)).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

/** A Chrome MV3 extension built by esbuild (iife; MV3 runs no remote code) with `policy` as its
 * content_security_policy, or Chrome's default where it is undefined. */
async function buildExtension(name, policy) {
  probeSources();
  const out = await esbuildIife('probe', ['background.js', 'extension-page.js'], name);
  writeFileSync(join(out, 'page.html'), '<!doctype html><title>probe</title><script src="./extension-page.js"></script>\n');
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({
    manifest_version: 3,
    name: 'outboundsync test',
    version: '1.0',
    background: { service_worker: 'background.js' },
    host_permissions: ['http://127.0.0.1/*'],
    ...(policy && { content_security_policy: policy }),
  }, null, 2)}\n`);
  return out;
}

test("a Chrome MV3 extension's service worker and page, with and without 'wasm-unsafe-eval', in headless Chromium", async () => {
  const allowing = await buildExtension('extension-wasm-unsafe-eval', { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" });
  const strict = await buildExtension('extension-default-policy');
  assertNoBase64Wasm(allowing, 'extension');
  await withBrowser('chromium', async (driver) => {
    const result = await probe(driver, `chrome-extension://${extensionId(allowing)}/page.html`);
    assertCalled(result.page, 'extension page');
    assertCalled(result.serviceWorker, 'extension service worker');
  }, allowing);
  await withBrowser('chromium', async (driver) => {
    const result = await probe(driver, `chrome-extension://${extensionId(strict)}/page.html`);
    assertRefusedByPolicy(result.page, 'extension page, default policy');
    assertRefusedByPolicy(result.serviceWorker, 'extension service worker, default policy');
  }, strict);
});

/** A Chrome MV3 extension whose content script (esbuild's iife, in js/) runs on http://127.0.0.1
 * pages, with the .wasm beside it in js/ and, `recipe`, at the extension's root and listed in
 * web_accessible_resources as the README says. */
async function buildContentScriptExtension(name, recipe) {
  probeSources();
  const out = join(project.dir, name);
  const js = await esbuildIife('probe', ['content-script.js'], join(name, 'js'));
  if (recipe) copyFileSync(join(js, 'outboundsync_browser_bg.wasm'), join(out, 'outboundsync_browser_bg.wasm'));
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({
    manifest_version: 3,
    name: 'outboundsync content script test',
    version: '1.0',
    content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['js/content-script.js'] }],
    ...(recipe && { web_accessible_resources: [{ resources: ['outboundsync_browser_bg.wasm'], matches: ['http://127.0.0.1/*'] }] }),
  }, null, 2)}\n`);
  return out;
}

/** The visited site: a page carrying the calls' arguments, and a trap that answers every
 * `*.wasm` path with a working .wasm (so a package that took the site's would not fail) and
 * counts the requests. */
async function trapSite() {
  const wasm = readFileSync(join(project.dir, 'node_modules', 'outboundsync', 'outboundsync_browser_bg.wasm'));
  const asked = [];
  const args = JSON.stringify({ good: GOOD, bad: BAD, baseUrl: project.double.url });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.endsWith('.wasm')) {
      asked.push(path);
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>a site</title><script id="probe-args" type="application/json">${args}</script>\n`);
    }
  });
  return { url: await listen(server), asked, close: () => server.close() };
}

/** Opens a page of `site` and waits for the content script's result. */
async function contentScriptResult(driver, site) {
  await driver.get(`${site.url}/page/`);
  const read = 'return document.documentElement.dataset.probeResult ?? null';
  await driver.wait(() => driver.executeScript(read), WAIT_MS, 'the content script wrote no result');
  return JSON.parse(await driver.executeScript(read));
}

test('a Chrome MV3 content script loads the .wasm from its extension, never from the visited site, in headless Chromium', async () => {
  const recipe = await buildContentScriptExtension('extension-content-script', true);
  const besideOnly = await buildContentScriptExtension('extension-content-script-wasm-beside', false);
  assertNoBase64Wasm(recipe, 'content script');
  const site = await trapSite();
  try {
    await withBrowser('chromium', async (driver) => {
      assertCalled(await contentScriptResult(driver, site), 'content script, the .wasm at the extension root and web-accessible');
    }, recipe);
    // Without the recipe, each call fails naming it, and still never asks the site.
    await withBrowser('chromium', async (driver) => {
      const result = await contentScriptResult(driver, site);
      for (const failure of [result.ids, result.rejected]) {
        assert.equal(failure?.code, 'wasm_load_failed', JSON.stringify(result));
        assert.match(failure.message, /fetching outboundsync_browser_bg\.wasm from the extension's root \(runtime\.getURL\).*copy node_modules\/outboundsync\/outboundsync_browser_bg\.wasm to the extension's root .* and list it in manifest\.json's web_accessible_resources/);
      }
    }, besideOnly);
    assert.deepEqual(site.asked, [], 'the visited site was asked for a .wasm');
  } finally {
    site.close();
  }
});
