import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The type tests live in types.check.ts; this runs the compiler over them so `vitest run` covers them too.
it('types: custom claims are typed on req.auth, and wrong uses do not compile', async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('./tsconfig.types.json', import.meta.url));
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '-p', project], (error, stdout, stderr) => resolve(error === null ? '' : `${stdout}${stderr}` || String(error)));
  });
  expect(output).toBe('');
}, 60_000);
