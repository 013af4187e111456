// Where users first run the package: their own test suites. The suites in test-runners/ (a
// project's tests of code that uses outboundsync) run from the packed package in Jest 29 and 30
// (the node environment with real and fake timers, fake timers installed before the package
// loads, and `testEnvironment: 'jsdom'`) and in Vitest (node, jsdom and happy-dom, with
// `vi.useFakeTimers()`; MSW 2, nock 14 and undici's MockAgent in node), each runner with its
// defaults. Every test in every suite must run and pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run, here, bin, GOOD } from './fixture.mjs';
import { startDouble } from '../support/double.mjs';
import { installPackedPackage } from '../support/installed.mjs';

let dir;
let double;
before(async () => {
  // Under tests/runtimes/, so the suites resolve Vitest, MSW, nock and undici from here, as a
  // project resolves its own devDependencies; `outboundsync` is the project's installed tarball.
  dir = installPackedPackage({ under: join(here, '.work') });
  cpSync(join(here, 'test-runners'), dir, { recursive: true });
  double = await startDouble();
});
after(() => {
  double?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, CI: '1', TEST_DOUBLE_URL: double.url, TEST_GOOD_KEY: GOOD });

/** How many tests `files` (in `folder`) declare: each must be in the report, and pass. */
function declared(folder, files) {
  const source = files.map((f) => readFileSync(join(dir, folder, f), 'utf8')).join('\n');
  return (source.match(/^\s*test(?:\.runIf\(\w+\))?\(/gm) ?? []).length;
}

/** The report's tests (Jest's and Vitest's JSON reporters share this shape), all passed. */
function assertAllPassed(report, expected, label) {
  const results = report.testResults.flatMap((file) => file.assertionResults.map((t) => ({ ...t, file: file.name, fileMessage: file.message })));
  const failed = results.filter((t) => t.status !== 'passed' && t.status !== 'skipped');
  assert.deepEqual(failed.map((t) => `${t.fullName}: ${t.failureMessages.join('\n')}`), [], label);
  for (const file of report.testResults) assert.equal(file.status, 'passed', `${label}: ${file.name}: ${file.message}`);
  assert.equal(results.filter((t) => t.status === 'passed').length, expected, `${label}: ${JSON.stringify(results.map((t) => [t.fullName, t.status]))}`);
}

/** Runs Jest `major` on the suites in `folder` with `config`, and returns its JSON report. */
async function jest(major, folder, config) {
  const out = join(dir, `jest${major}-${folder}.json`);
  const args = [join(here, `jest${major}`, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--watchman=false', '--json', `--outputFile=${out}`,
    '--config', JSON.stringify({ rootDir: join(dir, folder), ...config })];
  await run(process.execPath, args, { cwd: dir, env: env(), timeout: 120_000 }).catch((err) => {
    // A failing suite exits 1 with its report written; anything else is the runner's own failure.
    if (!readdirSync(dir).includes(`jest${major}-${folder}.json`)) throw err;
  });
  return JSON.parse(readFileSync(out, 'utf8'));
}

for (const major of [29, 30]) {
  test(`Jest ${major}: node environment, real and fake timers (also installed before load), one reused Response`, async () => {
    const files = readdirSync(join(dir, 'jest-node'));
    assertAllPassed(await jest(major, 'jest-node', {}), declared('jest-node', files), `Jest ${major} node`);
  });

  test(`Jest ${major}: testEnvironment 'jsdom'`, async () => {
    assertAllPassed(await jest(major, 'jest-jsdom', { testEnvironment: 'jsdom' }), declared('jest-jsdom', ['outboundsync.test.js']), `Jest ${major} jsdom`);
  });
}

/** Runs Vitest in `environment` on the suites of vitest/ named in `files`. */
async function vitest(environment, files) {
  const out = join(dir, `vitest-${environment}.json`);
  const args = ['run', '--root', join(dir, 'vitest'), '--environment', environment, '--reporter=json', `--outputFile=${out}`, ...files];
  await run(bin('vitest'), args, { cwd: dir, env: env(), timeout: 120_000 }).catch((err) => {
    if (!readdirSync(dir).includes(`vitest-${environment}.json`)) throw err;
  });
  return JSON.parse(readFileSync(out, 'utf8'));
}

test('Vitest, node environment: vi.fn, fake timers, one reused Response; MSW 2, nock 14, MockAgent', async () => {
  const files = ['outboundsync.test.mjs', 'mocks.test.mjs'];
  assertAllPassed(await vitest('node', files), declared('vitest', files) - 1, 'Vitest node'); // the page test is skipped
});

for (const environment of ['jsdom', 'happy-dom']) {
  test(`Vitest, ${environment} environment: a page's rules, vi.fn, fake timers`, async () => {
    assertAllPassed(await vitest(environment, ['outboundsync.test.mjs']), declared('vitest', ['outboundsync.test.mjs']), `Vitest ${environment}`);
  });
}
