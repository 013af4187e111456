// Headless Chromium and Firefox through Selenium WebDriver, as the browser tests drive them
// (browsers.test.mjs, and nextjs.test.mjs for its client page).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';
import firefox from 'selenium-webdriver/firefox.js';

// The Debian browsers and drivers (make test installs them; the Makefile exports the driver
// paths). Every path is given, so Selenium Manager never tries to download one.
export const browsers = {
  chromium(profile, extension) {
    const options = new chrome.Options()
      .setChromeBinaryPath(process.env.CHROMIUM ?? '/usr/bin/chromium')
      .addArguments('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`);
    // An unpacked extension, as a developer loads one (headless=new loads extensions).
    if (extension) options.addArguments(`--load-extension=${extension}`, `--disable-extensions-except=${extension}`);
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
export async function withBrowser(name, use, extension) {
  const profile = mkdtempSync(join(tmpdir(), `outboundsync-${name}-`));
  const driver = await browsers[name](profile, extension);
  try {
    await use(driver);
  } finally {
    await driver.quit();
    rmSync(profile, { recursive: true, force: true });
  }
}

export const WAIT_MS = 30_000; // how long a step may take on a busy machine before the test gives up

/** Opens `url` and runs the page's `window.probe(args)` (its test hook: browser-probe/calls.js,
 * vite-preload/, nextjs-preload/): what the calls gave, or `{ thrown }` if the probe rejected. */
export async function probe(driver, url, args) {
  await driver.manage().setTimeouts({ script: WAIT_MS });
  await driver.get(url);
  await driver.wait(() => driver.executeScript('return typeof window.probe === "function"'), WAIT_MS, `${url} defined no window.probe`);
  return driver.executeAsyncScript(
    'const done = arguments[arguments.length - 1]; window.probe(arguments[0]).then(done, (e) => done({ thrown: String(e && e.stack || e) }));',
    args,
  );
}
