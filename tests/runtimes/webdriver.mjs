// Just enough WebDriver (W3C) to open a page in headless Chromium or Firefox and read a value
// the page sets, through the Debian drivers. No client library: a few HTTP calls.
import { spawn } from 'node:child_process';
import net from 'node:net';

const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const BROWSERS = {
  chromium: {
    driver: () => process.env.CHROMEDRIVER || '/usr/bin/chromedriver',
    args: (port) => [`--port=${port}`],
    capabilities: { browserName: 'chrome', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: CHROMIUM_ARGS } },
  },
  firefox: {
    driver: () => process.env.GECKODRIVER || 'geckodriver',
    args: (port) => ['--port', String(port)],
    capabilities: { browserName: 'firefox', 'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'] } },
  },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function call(base, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/** Opens `url` in `browser` and resolves with `window[name]` once the page has set it. */
export async function readFromPage(browser, url, name, { timeoutMs = 30_000 } = {}) {
  const spec = BROWSERS[browser];
  const port = await freePort();
  const driver = spawn(spec.driver(), spec.args(port), { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await call(base, 'GET', '/status');
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`${browser}: the driver did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const session = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: spec.capabilities } });
    const s = `/session/${session.sessionId}`;
    try {
      await call(base, 'POST', `${s}/url`, { url });
      for (;;) {
        const value = await call(base, 'POST', `${s}/execute/sync`, { script: `return window[${JSON.stringify(name)}] ?? null;`, args: [] });
        if (value !== null) return value;
        if (Date.now() > deadline) throw new Error(`${browser}: the page never set window.${name}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await call(base, 'DELETE', s).catch(() => {});
    }
  } finally {
    driver.kill();
  }
}
