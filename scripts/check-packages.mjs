#!/usr/bin/env node
// `pnpm lint`, part: every published package, packed as it would be published, passes publint and
// "Are the Types Wrong?" (attw). The packages are ES modules only, so attw runs with --profile esm-only: CommonJS
// users load them with require() on Node 20.19+ (TypeScript: "module": "nodenext", see the README), which the
// node10 / node16-from-CJS resolutions attw would otherwise flag cannot express.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll } from './pack-all.mjs';

const destination = mkdtempSync(join(tmpdir(), 'authgate-check-'));
let failed = 0;
try {
  for (const pkg of packAll(destination)) {
    for (const [tool, args] of [
      ['publint', ['run', pkg.tarball, '--strict']],
      ['attw', [pkg.tarball, '--profile', 'esm-only', '--format', 'ascii']],
    ]) {
      try {
        execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
        console.log(`ok   ${tool} ${pkg.name}`);
      } catch (error) {
        failed++;
        console.log(`FAIL ${tool} ${pkg.name}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
