// The `outboundsync` command, installed from the packed package, run as a child process
// against the local API double: output, exit code and the no-key-leak rule for each cause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDouble, FIXTURE_KEYS } from '../support/double.mjs';
import { installPackedPackage } from '../support/installed.mjs';

const run = promisify(execFile);
let dir;
let bin;
let double;
let base;

before(async () => {
  dir = installPackedPackage();
  bin = join(dir, 'node_modules', '.bin', 'outboundsync');
  double = await startDouble();
  base = double.url;
});

after(() => double.stop());

function cli(args, { key, env = {}, input } = {}) {
  return new Promise((resolve) => {
    const fullEnv = { ...process.env, OUTBOUNDSYNC_BASE_URL: base, ...env };
    delete fullEnv.OUTBOUNDSYNC_API_KEY;
    delete fullEnv.NO_COLOR;
    if (key !== undefined) fullEnv.OUTBOUNDSYNC_API_KEY = key;
    const child = spawn(bin, args, { env: fullEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Failure cases name their scenario before the double has a port, so the URL is built late.
const scenario = (id, steps) => () => `${base}/__scenario/cli-${id}/${steps}`;
const resolveArgs = (args) => args.map((a) => (typeof a === 'function' ? a() : a));

test('a working key prints the account, key, scope and an aligned table within 80 columns', async () => {
  const { code, stdout, stderr } = await cli([], { key: FIXTURE_KEYS.accountWide });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Account\s+42 \(you@company\.com\)/);
  assert.match(stdout, /Key\s+Production/);
  assert.match(stdout, /Scope\s+account-wide/);
  assert.match(stdout, /Connections\s+3/);
  assert.match(stdout, /ID\s+CRM\s+DOMAIN\s+ORGANIZATION ID/);
  assert.match(stdout, /8\s+SALESFORCE\s+acme\.my\.salesforce\.com\s+00D5g000004TEST/);
  assert.ok(!stdout.includes('\u001b['), 'no colour when not a terminal');
  const rows = stdout.split('\n').filter((l) => /^\s+\d/.test(l));
  const domainColumn = stdout.split('\n').find((l) => l.includes('DOMAIN')).indexOf('DOMAIN');
  for (const row of rows) assert.notEqual(row[domainColumn], ' ', `misaligned: ${row}`);
});

test('long values are cut with an ellipsis so rows fit 80 columns', async () => {
  const { code, stdout } = await cli(['--base-url', scenario('long', '200:body=long')()], { key: FIXTURE_KEYS.accountWide });
  assert.equal(code, 0);
  for (const line of stdout.split('\n')) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
  assert.match(stdout, /MICROSOFT_DYNAMICS_365/);
  assert.match(stdout, /…/);
});

test('a connection-scoped key read from a file or stdin', async () => {
  const file = join(dir, 'key.txt');
  writeFileSync(file, `${FIXTURE_KEYS.connectionScoped}\n`);
  const fromFile = await cli(['me', '--api-key-file', file]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /Scope\s+one connection/);
  const fromStdin = await cli(['--api-key-stdin', '--json'], { input: `${FIXTURE_KEYS.connectionScoped}\n` });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.deepEqual(JSON.parse(fromStdin.stdout).connections.map((c) => c.id), [8]);
});

test('--json prints the /me result for scripts', async () => {
  const { code, stdout } = await cli(['--json'], { key: FIXTURE_KEYS.accountWide });
  assert.equal(code, 0);
  const me = JSON.parse(stdout);
  assert.deepEqual(Object.keys(me), ['account', 'apiKey', 'connections']);
  assert.equal(me.connections.length, 3);
});

const KEY = 'osapi_test_cli_secret_7777';
const failures = [
  ['no key set', [], undefined, 3, /No OutboundSync API key found[\s\S]*OUTBOUNDSYNC_API_KEY[\s\S]*--api-key-file/],
  ['key rejected', [], KEY, 4, /rejected the API key[\s\S]*revoked or rotated[\s\S]*rotate/],
  ['platform key', [], 'sl_test_platform_key_1234', 4, /platform key/],
  ['malformed key', [], 'osapi_test bad', 4, /cannot be a key/],
  ['API access disabled', [], FIXTURE_KEYS.apiDisabled, 5, /API access is not enabled[\s\S]*admin/],
  ['rate limited', ['--base-url', scenario('429', '429:ra=100')], KEY, 6, /rate limit exceeded[\s\S]*Retry after 100 seconds/],
  ['unreachable', ['--base-url', scenario('reset', 'reset'), '--retries', '0'], KEY, 7, /Could not reach OutboundSync/],
  ['timeout', ['--base-url', scenario('hang', 'hang'), '--retries', '0', '--timeout', '200'], KEY, 7, /timed out[\s\S]*--timeout/],
  ['server error', ['--base-url', scenario('503', '503:html'), '--retries', '0'], KEY, 7, /server error \(HTTP 503\)/],
  ['unexpected status', ['--base-url', scenario('404', '404')], KEY, 8, /unexpected HTTP 404/],
  ['unexpected body', ['--base-url', scenario('badid', '200:body=badid3')], KEY, 8, /connections\[3\]\.id/],
  ['insecure base URL', ['--base-url', 'http://app.outboundsync.com'], KEY, 2, /http:/],
];

for (let [name, args, key, exit, pattern] of failures) {
  test(`${name}: exit ${exit}, one cause and its fix, no stack, no key`, async () => {
    args = resolveArgs(args);
    const { code, stdout, stderr } = await cli(args, { key });
    assert.equal(code, exit, `${stdout}${stderr}`);
    assert.match(stderr, pattern);
    assert.ok(!stderr.includes('    at '), `stack trace without --verbose:\n${stderr}`);
    assert.ok(!`${stdout}${stderr}`.includes('cli_secret'), 'the key leaked');
    const json = await cli([...args, '--json'], { key });
    assert.equal(json.code, exit);
    const { error } = JSON.parse(json.stdout);
    assert.equal(typeof error.code, 'string');
    assert.equal(typeof error.message, 'string');
    assert.ok('status' in error);
    assert.ok(stderr.includes(error.message), 'stderr does not say what the error itself says');
    const verbose = await cli([...args, '--verbose'], { key });
    assert.ok(!`${verbose.stdout}${verbose.stderr}`.includes('cli_secret'), 'the key leaked with --verbose');
  });
}

test('--verbose adds the stack trace', async () => {
  const { stderr } = await cli(['--verbose'], { key: KEY });
  assert.match(stderr, /OutboundSyncAuthenticationError/);
  assert.match(stderr, /\n\s+at /);
});

test('--verbose logs each attempt and retry to stderr; stdout stays the result', async () => {
  const args = ['--base-url', scenario('verbose', '503:ra=0,ok')(), '--json'];
  const { code, stdout, stderr } = await cli([...args, '--verbose'], { key: FIXTURE_KEYS.accountWide });
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout).connections.map((c) => c.id), [7, 8, 9]);
  assert.match(stderr, /GET http:\/\/127\.0\.0\.1:\d+\/__scenario\/cli-verbose\/\S+\/api\/v1\/me attempt 1: HTTP 503, \d+ bytes, x-request-id req_double_\d+ in \d+ ms/);
  assert.match(stderr, /attempt 1 failed with server_error \(HTTP 503\); retrying in 0 ms/);
  assert.match(stderr, /attempt 2: HTTP 200/);
  assert.ok(!stderr.includes(FIXTURE_KEYS.accountWide), 'the key reached the log');
  // OUTBOUNDSYNC_LOG sets the level without --verbose; still on stderr, never on stdout.
  const quiet = await cli(['--base-url', scenario('env-log', '503:ra=0,ok')(), '--json'], { key: FIXTURE_KEYS.accountWide, env: { OUTBOUNDSYNC_LOG: 'warn' } });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stderr, /retrying in 0 ms/);
  assert.doesNotMatch(quiet.stderr, /attempt 2: HTTP 200/);
  assert.deepEqual(JSON.parse(quiet.stdout).connections.map((c) => c.id), [7, 8, 9]);
  const none = await cli(['--base-url', scenario('no-log', '503:ra=0,ok')()], { key: FIXTURE_KEYS.accountWide });
  assert.equal(none.stderr, '');
});

test('usage errors exit 2, and a key on the command line is refused', async () => {
  for (const args of [['--api-key', KEY], [`--api-key=${KEY}`], [KEY], ['--bogus'], ['--retries', 'many'], ['--retries='], ['--timeout'], ['--timeout', '--json'], ['--json=yes'], ['-x'], ['list'], ['me', 'me']]) {
    const { code, stdout, stderr } = await cli(args, { key: FIXTURE_KEYS.accountWide });
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.ok(!`${stdout}${stderr}`.includes('cli_secret'), 'the key was echoed');
  }
  const { stderr } = await cli([KEY]);
  assert.match(stderr, /command line/);
});

test('with --json, a refused argument is JSON on stdout too', async () => {
  for (const args of [['--bogus', '--json'], ['--json', '--retries', 'many'], [KEY, '--json'], ['--json', 'list']]) {
    const { code, stdout, stderr } = await cli(args, { key: FIXTURE_KEYS.accountWide });
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    const { error } = JSON.parse(stdout);
    assert.equal(error.code, 'usage');
    assert.ok(stderr.includes(error.message), stderr);
    assert.ok(!stdout.includes('cli_secret'), 'the key was echoed');
  }
});

test('--help documents every exit code; --version prints the package version', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8]) assert.match(help.stdout, new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
  assert.match(help.stdout, /OUTBOUNDSYNC_LOG\s+off, error, warn, info or debug/);
  const { version } = JSON.parse(readFileSync(join(dir, 'node_modules', 'outboundsync', 'package.json'), 'utf8'));
  const shown = await cli(['--version']);
  assert.equal(shown.stdout.trim(), version);
});

test('colour only on a terminal, and never with NO_COLOR', async () => {
  // A pseudo-terminal from Python's pty module, so the command sees a real TTY. Async, since
  // the double runs in this process and must keep answering.
  // The terminal is a colour one (TERM), outside CI: Node's hasColors() counts CI=true, as CI
  // sets it, as a terminal without colours, which is right for CI logs but not this check.
  const inPty = async (more) => {
    const env = { ...process.env, OUTBOUNDSYNC_BASE_URL: base, OUTBOUNDSYNC_API_KEY: FIXTURE_KEYS.accountWide, TERM: 'xterm-256color', ...more };
    for (const name of ['CI', 'FORCE_COLOR', 'NODE_DISABLE_COLORS']) if (!(name in more)) delete env[name];
    return (await run('python3', ['-c', 'import pty,sys; pty.spawn(sys.argv[1:])', bin], { env, timeout: 20_000 })).stdout;
  };
  assert.match(await inPty({}), /\u001b\[1mAccount/);
  assert.ok(!(await inPty({ NO_COLOR: '1' })).includes('\u001b['));
  assert.ok(!(await inPty({ CI: 'true' })).includes('\u001b['), 'colour in a CI log');
});
