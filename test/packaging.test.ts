import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Loads the *built* packages the way users do, from plain Node processes: ESM import and CommonJS require.
const here = fileURLToPath(new URL('.', import.meta.url));
const packages = ['@authgate/core', '@authgate/express', '@authgate/fastify', '@authgate/testing'];
const built = packages.every((name) => existsSync(fileURLToPath(new URL(`../packages/${name.split('/')[1]}/dist/index.js`, import.meta.url))));

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

describe('packaging', () => {
  it('is built (pnpm test builds first; run `pnpm build` when running vitest alone)', () => {
    expect(built).toBe(true);
  });

  it.each(packages)('%s loads with ESM import', (name) => {
    const out = run(['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).sort().join(','))`]);
    expect(out.length).toBeGreaterThan(0);
  });

  it.each(packages)('%s loads with CommonJS require', (name) => {
    const out = run(['-e', `const m = require(${JSON.stringify(name)}); console.log(Object.keys(m).sort().join(','))`]);
    expect(out.length).toBeGreaterThan(0);
  });

  it('exposes the contract names from both module systems', () => {
    const names = 'createVerifier,AuthError,extractBearer,hasScopes';
    const esm = run(['--input-type=module', '-e', `import { ${names} } from '@authgate/core'; console.log([${names}].map((f) => typeof f).join())`]);
    const cjs = run(['-e', `const { ${names} } = require('@authgate/core'); console.log([${names}].map((f) => typeof f).join())`]);
    expect(esm).toBe('function,function,function,function');
    expect(cjs).toBe(esm);
    // The same class from both: an AuthError thrown by core is recognisable by the CJS consumer too.
    const same = run(['-e', `const a = require('@authgate/core'); import('@authgate/core').then((b) => console.log(a.AuthError === b.AuthError))`]);
    expect(same).toBe('true');
  });
});
