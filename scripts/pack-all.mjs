#!/usr/bin/env node
// Packs every published package (packages/*, not private) as `pnpm publish` would, into one folder, and prints
// { name, dir, tarball } per package as JSON. Used by `pnpm lint` (publint, attw) and by test/pack-install.test.ts.
// Packing runs no lifecycle scripts: the packages must be built already (`pnpm build`), so a test can pack while
// other tests read the same dist/ folders. `prepack` (a build) is what covers a clean checkout on `pnpm publish`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every package `pnpm release` publishes: packages/* without `private: true`. */
export function publishedPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => existsSync(join(path, 'package.json')))
    .map((path) => ({ dir: path, manifest: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

export function packAll(destination) {
  mkdirSync(destination, { recursive: true });
  return publishedPackages().map((pkg) => {
    if (!existsSync(join(pkg.dir, 'dist'))) throw new Error(`${pkg.name} is not built: run pnpm build first`);
    execFileSync('pnpm', ['--config.ignore-scripts=true', 'pack', '--pack-destination', destination], { cwd: pkg.dir, stdio: 'ignore' });
    const tarball = join(destination, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
    if (!existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball}`);
    return { ...pkg, tarball };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const destination = process.argv[2];
  if (destination === undefined) {
    console.error('usage: node scripts/pack-all.mjs <destination>');
    process.exit(2);
  }
  console.log(JSON.stringify(packAll(resolve(destination)), null, 2));
}
