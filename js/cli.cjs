#!/usr/bin/env node
'use strict';
// `outboundsync`: checks an OutboundSync API key and explains what is wrong. It calls the API
// through the package itself; the key is read from the environment, a file or stdin, never
// from the command line (where shell history and process lists would keep it).

const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const api = require('../node.cjs');
const { version } = require('../package.json');

const EXIT = {
  ok: 0,
  bug: 1,
  usage: 2,
  noKey: 3,
  keyRejected: 4,
  apiAccessDisabled: 5,
  rateLimited: 6,
  unreachable: 7,
  unexpectedResponse: 8,
  interrupted: 130,
};

const HELP = `Usage: outboundsync [me] [options]

Checks an OutboundSync API key with GET /api/v1/me and lists the account, the key's name and
scope, and the CRM connections it can reach. The key is read from OUTBOUNDSYNC_API_KEY, or:

  --api-key-file PATH   read the key from a file
  --api-key-stdin       read the key from standard input
  --base-url URL        API base URL (default: OUTBOUNDSYNC_BASE_URL, else https://app.outboundsync.com)
  --timeout MS          per-attempt timeout in milliseconds (default: 30000)
  --retries N           retries of rate limits, server and network errors (default: 2)
  --json                print the result, or the error's code, status and message, as JSON
  --verbose             log each attempt (URL, status, request id, time, size), retries
                        and the error to stderr, and print an error's stack trace
  --version             print the version
  --help                print this help

Never put the key itself on the command line.

Environment:
  OUTBOUNDSYNC_API_KEY   the API key
  OUTBOUNDSYNC_BASE_URL  the API base URL
  OUTBOUNDSYNC_LOG       off, error, warn, info or debug: what to log to stderr
                         (--verbose is debug); never the key. Any other value is
                         ignored with one warning.

Exit codes:
  0  the key works
  1  unexpected failure inside outboundsync (please report it)
  2  usage error: unknown option, bad value, or an unusable base URL
  3  no API key is set
  4  the key was rejected: malformed, invalid, revoked or rotated
  5  the key works, but API access is not enabled for any CRM connection
  6  rate limited: wait and try again
  7  OutboundSync could not be reached or failed (network, timeout, server error)
  8  OutboundSync answered with something unexpected
  130 interrupted
`;

class UsageError extends Error {}

// Parsed by util.parseArgs in its lenient mode, with tokens, so every refusal is worded here and
// none of them echoes a value (it could be a key).
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'api-key-file': { type: 'string' },
  'api-key-stdin': { type: 'boolean' },
  'base-url': { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
};
const KEY_ON_COMMAND_LINE = 'That looks like an API key on the command line, where shell history and process lists keep it. Set OUTBOUNDSYNC_API_KEY, or use --api-key-file or --api-key-stdin, and rotate the key if others can see this machine\'s history.';

function number(flag, text, { min, integer }) {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} of at least ${min}.`);
  }
  return n;
}

function readArgs(argv) {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const given = {};
  let command;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (token.value.startsWith('osapi_')) throw new UsageError(KEY_ON_COMMAND_LINE);
      if (command !== undefined || token.value !== 'me') throw new UsageError(`Unknown command "${token.value}". See outboundsync --help.`);
      command = token.value;
    } else if (token.kind === 'option') {
      const option = OPTIONS[token.name];
      if (token.name === 'api-key' || token.name === 'key') {
        throw new UsageError(`${token.rawName} is not supported: a key on the command line ends up in shell history and process lists. Set OUTBOUNDSYNC_API_KEY, or use --api-key-file or --api-key-stdin.`);
      }
      if (!option) throw new UsageError(token.name.startsWith('osapi_') ? KEY_ON_COMMAND_LINE : `Unknown option "${token.rawName}". See outboundsync --help.`);
      if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))) {
        throw new UsageError(`${token.rawName} needs a value.`);
      }
      if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value.`);
      given[token.name] = token.value ?? true;
    }
  }
  if (given['api-key-file'] !== undefined && given['api-key-stdin']) throw new UsageError('Use either --api-key-file or --api-key-stdin, not both.');
  return {
    help: given.help, version: given.version, json: Boolean(given.json), verbose: Boolean(given.verbose),
    keyFile: given['api-key-file'], keyStdin: given['api-key-stdin'], baseUrl: given['base-url'],
    timeoutMs: given.timeout === undefined ? undefined : number('--timeout', given.timeout, { min: 1, integer: false }),
    maxRetries: given.retries === undefined ? undefined : number('--retries', given.retries, { min: 0, integer: true }),
  };
}

function readKey(opts) {
  if (opts.keyFile !== undefined) {
    try {
      return readFileSync(opts.keyFile, 'utf8');
    } catch (err) {
      throw new UsageError(`Could not read the key file ${opts.keyFile} (${err.code ?? 'error'}).`);
    }
  }
  if (opts.keyStdin) {
    try {
      return readFileSync(0, 'utf8');
    } catch (err) {
      throw new UsageError(`Could not read the key from standard input (${err.code ?? 'error'}).`);
    }
  }
  return undefined; // the package reads OUTBOUNDSYNC_API_KEY
}

// Per error code: the exit code. What happened and what fixes it is the error's own message
// (the core's, one sentence set for every user); the command adds only what is its own: its flags.
// Every code the package can reject with has an entry (tests/pkg/one-source.test.mjs checks).
const EXIT_FOR = {
  missing_api_key: EXIT.noKey,
  malformed_api_key: EXIT.keyRejected,
  unauthorized: EXIT.keyRejected,
  api_access_disabled: EXIT.apiAccessDisabled,
  rate_limited: EXIT.rateLimited,
  network_error: EXIT.unreachable,
  timeout: EXIT.unreachable,
  server_error: EXIT.unreachable,
  unexpected_status: EXIT.unexpectedResponse,
  unexpected_redirect: EXIT.unexpectedResponse,
  invalid_response: EXIT.unexpectedResponse,
  insecure_base_url: EXIT.usage,
  invalid_option: EXIT.usage,
  aborted: EXIT.interrupted,
  // Not expected from the command: it never runs in a page, and Node runs WebAssembly.
  browser_disallowed: EXIT.bug,
  wasm_load_failed: EXIT.bug,
};
const FLAG_HINTS = {
  missing_api_key: 'With this command, --api-key-file PATH and --api-key-stdin work too.',
  timeout: 'Here timeoutMs is --timeout.',
};
const REPORT = 'This is not expected from the command: please report it with --verbose output.';

// The log goes to stderr whatever its level: stdout is the result (and --json must stay JSON).
const writeLog = (line) => process.stderr.write(`${line}\n`);
const stderrLogger = { debug: writeLog, info: writeLog, warn: writeLog, error: writeLog };

// hasColors() weighs NO_COLOR, FORCE_COLOR and TERM; a stream that is not a terminal has none.
function style(stream) {
  const on = typeof stream.hasColors === 'function' && stream.hasColors();
  const wrap = (open, close) => (s) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39) };
}

// Columns fit the terminal (80 when not a terminal): the widest free-text columns give way,
// ending in an ellipsis, so rows never wrap.
function table(rows, width) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const shrinkable = [2, 3]; // DOMAIN, ORGANIZATION ID
  const total = () => 2 + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const i = shrinkable.reduce((a, b) => (widths[b] > widths[a] ? b : a));
    if (widths[i] <= Math.max(rows[0][i].length, 6)) break;
    widths[i] -= 1;
  }
  const cell = (text, w) => (text.length > w ? `${text.slice(0, w - 1)}…` : text.padEnd(w));
  return rows.map((r) => `  ${r.map((c, i) => cell(c, widths[i])).join('  ')}`.trimEnd());
}

function printMe(me, out) {
  const s = style(process.stdout);
  const { account, apiKey, connections } = me;
  const scope = apiKey.connectionScope === 'account' ? 'account-wide (every API-enabled connection)' : 'one connection';
  const lines = [
    `${s.bold('Account')}      ${account.id}${account.email ? ` (${account.email})` : ''}`,
    `${s.bold('Key')}          ${apiKey.name}`,
    `${s.bold('Scope')}        ${scope}; scopes: ${apiKey.scopes.join(', ') || 'none'}`,
    `${s.bold('Connections')}  ${connections.length}`,
  ];
  if (connections.length) {
    const rows = [['ID', 'CRM', 'DOMAIN', 'ORGANIZATION ID'], ...connections.map((c) => [String(c.id), c.crm, c.organizationDomain ?? '-', c.organizationId ?? '-'])];
    const [head, ...body] = table(rows, Math.max(40, process.stdout.isTTY ? process.stdout.columns || 80 : 80));
    lines.push('', s.dim(head), ...body);
  }
  out(`${lines.join('\n')}\n`);
}

// With --json, every failure is also one JSON object on stdout, usage errors included.
function printJsonError(code, message, err = {}) {
  const body = { error: { code, status: err.status ?? null, message, retryAfter: err.retryAfter ?? null } };
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}

function usage(message, json) {
  if (json) printJsonError('usage', message);
  process.stderr.write(`outboundsync: ${message}\n`);
  return EXIT.usage;
}

async function main(argv) {
  // Known before parsing, so a refused argument is reported as JSON too.
  const json = argv.includes('--json');
  let opts;
  try {
    opts = readArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usage(err.message, json);
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (opts.version) {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    const apiKey = readKey(opts);
    const me = await api.getOutboundSyncMe({
      apiKey, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries, signal: controller.signal,
      logLevel: opts.verbose ? 'debug' : undefined, logger: stderrLogger,
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(me, null, 2)}\n`);
    else printMe(me, (text) => process.stdout.write(text));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message, opts.json);
    if (!(err instanceof api.OutboundSyncError)) throw err;
    if (opts.json) printJsonError(err.code, err.message, err);
    const s = style(process.stderr);
    const exit = EXIT_FOR[err.code] ?? EXIT.bug;
    const hint = exit === EXIT.bug ? REPORT : FLAG_HINTS[err.code];
    process.stderr.write(`${s.red('Error:')} ${err.message}${hint ? `\n${hint}` : ''}\n`);
    if (opts.verbose) process.stderr.write(`\n${err.stack}\n`);
    return exit;
  }
}

if (require.main !== module) {
  module.exports = { EXIT_FOR }; // for tests/pkg/one-source.test.mjs
} else {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`outboundsync: unexpected failure: ${err && err.message}. Please report it with --verbose output.\n`);
      process.exitCode = EXIT.bug;
    },
  );
}
