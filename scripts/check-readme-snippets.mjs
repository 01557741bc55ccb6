#!/usr/bin/env node
// `pnpm lint`, part: every ```ts block of every README (root, packages/*, docs/) is extracted into its own module and
// typechecked strictly against the packages' sources, so an example that stops compiling fails lint. A block whose
// names come from the surrounding prose (`token`, `app`, ...) gets them from CONTEXT below, declared with their
// real types. A block that is deliberately a fragment is opened with ```ts snippet-skip (say why in the prose).
// Blocks opened with ```ts run are also run, by run-readme-snippets.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contextOf, readmeFiles, readmeName, readmeSlug, root, tsBlocks } from './readme-blocks.mjs';

// Inside test/, whose node_modules hold every @authgate package, express, fastify and jose.
const out = join(root, 'test', '.readme-snippets');
const readmes = readmeFiles();

// Names README examples use without defining them: what the reader already has at that point of that README
// (the app being built, the issuer a test started, a token). Declared with their real types, one set per README.
const COMMON = `
  const token: string;
  const issuer: string;
  const jwksUri: string;
  const audience: string;
  const options: import('@authgate/core').VerifierOptions;
  const identity: import('@authgate/core').Identity;
`;
const CONTEXT = {
  express: `
  const app: import('express').Express;
  const jwtAuth: typeof import('@authgate/express').jwtAuth;
  const personalisedFeed: (subject: string | undefined) => unknown;
  const publicFeed: () => unknown;
  const handler: import('express').RequestHandler;`,
  fastify: `
  const app: import('fastify').FastifyInstance;
  const jwtAuth: typeof import('@authgate/fastify').jwtAuth;
  const handler: import('fastify').RouteHandlerMethod;`,
  core: `
  const privateEncryptionJwk: import('jose').JWK;`,
  testing: `
  const issuer: import('@authgate/testing').TestIssuer;
  const oldKid: string;`,
};

rmSync(out, { recursive: true, force: true });
let count = 0;
const failures = [];
for (const readme of readmes) {
  const dir = join(out, readmeSlug(readme));
  const context = CONTEXT[contextOf(readme)] ?? '';
  const names = new Set([...context.matchAll(/const (\w+):/g)].map((m) => m[1]));
  const common = COMMON.split('\n')
    .filter((line) => !names.has(line.match(/const (\w+):/)?.[1]))
    .join('\n');
  let blocks = 0;
  mkdirSync(dir, { recursive: true });
  for (const { line, words, code } of tsBlocks(readme)) {
    if (words.includes('snippet-skip')) continue;
    // Each block is a module (top-level await works, names do not leak between blocks).
    writeFileSync(join(dir, `L${line}.ts`), `// ${readmeName(readme)}:${line}\n${code}\nexport {};\n`);
    blocks += 1;
  }
  if (blocks === 0) continue;
  count += blocks;
  writeFileSync(join(dir, 'context.d.ts'), `declare global {${common}${context}\n}\nexport {};\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        paths: Object.fromEntries(
          ['core', 'express', 'fastify', 'testing'].map((name) => [`@authgate/${name}`, [`../../../packages/${name}/src/index.ts`]]),
        ),
      },
      include: ['*.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    failures.push(`${readmeName(readme)} (blocks in ${relative(root, dir)}):\n${error.stdout}`);
  }
}
if (failures.length > 0) {
  console.log(`FAIL README TypeScript blocks\n${failures.join('\n')}`);
  process.exit(1);
}
console.log(`ok   ${count} TypeScript blocks from ${readmes.length} READMEs typecheck`);
