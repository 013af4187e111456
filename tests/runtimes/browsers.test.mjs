// Browser pages: js-examples/browser/ (the key checker) with the packed package, built by Vite,
// webpack and esbuild, served from loopback and used in headless Chromium and Firefox through
// Selenium WebDriver, as a person would: type the key into the password field (and the local
// API double's address into the advanced field), press the button, read the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import { Builder, By, until } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';
import firefox from 'selenium-webdriver/firefox.js';
import { listen } from '../double/server.mjs';
import { run, bin, GOOD, BAD, project, useExampleProject } from './fixture.mjs';

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
    copyFileSync(join(project.dir, 'node_modules', 'outboundsync', 'outboundsync_core_bg.wasm'), join(out, 'outboundsync_core_bg.wasm'));
    copyFileSync(join(project.dir, 'browser', 'index.html'), join(out, 'index.html'));
    return out;
  },
};

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** A static file server on loopback for a build's output folder. */
async function serve(folder) {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = join(folder, path === '/' ? 'index.html' : path);
    if (!file.startsWith(folder) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return { url: await listen(server), close: () => server.close() };
}

// ---- browsers ------------------------------------------------------------------------------

// The Debian browsers and drivers (make test installs them; the Makefile exports the driver
// paths). Every path is given, so Selenium Manager never tries to download one.
const browsers = {
  chromium(profile) {
    const options = new chrome.Options()
      .setChromeBinaryPath(process.env.CHROMIUM ?? '/usr/bin/chromium')
      .addArguments('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`);
    const service = new chrome.ServiceBuilder(process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver');
    return new Builder().forBrowser('chrome').setChromeOptions(options).setChromeService(service).build();
  },
  firefox() {
    const options = new firefox.Options().setBinary(process.env.FIREFOX ?? '/usr/bin/firefox-esr').addArguments('-headless');
    const service = new firefox.ServiceBuilder(process.env.GECKODRIVER ?? 'geckodriver');
    return new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
  },
};

/** A fresh browser session (and profile) for `use(driver)`, closed whatever happens. */
async function withBrowser(name, use) {
  const profile = mkdtempSync(join(tmpdir(), `outboundsync-${name}-`));
  const driver = await browsers[name](profile);
  try {
    await use(driver);
  } finally {
    await driver.quit();
    rmSync(profile, { recursive: true, force: true });
  }
}

const WAIT_MS = 30_000; // how long a step may take on a busy machine before the test gives up

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

async function useKeyChecker(driver, site, label) {
  await driver.get(`${site}/`);

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

for (const [bundler, make] of Object.entries(bundles)) {
  test(`${bundler} build of the key checker in headless Chromium and Firefox`, async () => {
    const folder = await make();
    assert.ok(readdirSync(folder, { recursive: true }).some((f) => String(f).endsWith('.wasm')), 'no .wasm emitted');
    const site = await serve(folder);
    try {
      for (const name of Object.keys(browsers)) {
        await withBrowser(name, (driver) => useKeyChecker(driver, site.url, `${bundler} in ${name}`));
      }
    } finally {
      site.close();
    }
  });
}
