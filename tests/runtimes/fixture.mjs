// What every file in tests/runtimes/ shares: the tools tests/runtimes/package.json installs
// (make test does) and the fake keys.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { FIXTURE_KEYS } from '../double/server.mjs';

export const run = promisify(execFile);
export const root = fileURLToPath(new URL('../..', import.meta.url));
export const here = join(root, 'tests', 'runtimes');
export const tools = join(here, 'node_modules');
export const bin = (name) => join(tools, '.bin', name);
export const NODES = {
  18: join(tools, 'node18', 'bin', 'node'),
  20: process.execPath,
  22: join(tools, 'node22', 'bin', 'node'),
  24: join(tools, 'node24', 'bin', 'node'),
};

export const GOOD = FIXTURE_KEYS.accountWide; // connections 7, 8 and 9
export const BAD = 'osapi_test_revoked_key_0000'; // the double answers 401
