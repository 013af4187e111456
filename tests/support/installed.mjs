// Packs pkg/ with `npm pack` and installs the tarball into a fresh project in a temp folder,
// as a user would, without the network (the package has no dependencies).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));

/** The project's folder. `under`: where to make it (a temp folder by default); a project under
 * tests/runtimes/ resolves the tools installed there (Vitest, MSW...) as a user's own would. */
export function installPackedPackage({ under = tmpdir() } = {}) {
  mkdirSync(under, { recursive: true });
  const dir = mkdtempSync(join(under, 'outboundsync-installed-'));
  execFileSync('npm', ['pack', pkgDir, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "fixture", "private": true }\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}
