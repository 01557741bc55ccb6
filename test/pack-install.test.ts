import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a newcomer does: pack every published package as `pnpm publish` would, install the tarballs into scratch
// apps outside the workspace (ESM and CommonJS), typecheck them strictly against the shipped .d.ts files
// (skipLibCheck: false) under each TypeScript module setting users pick, and run a request through each adapter.
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);

interface Packed {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}

// Ranges as the workspace uses them, so the install is served from the local pnpm store.
const THIRD_PARTY = { express: '^5.3.0', fastify: '^5.12.8', '@types/express': '^5.0.6', '@types/node': '^20.19.0' };

// The same program for every app: it must compile unchanged as ESM and as CommonJS, under every setting below.
const PROGRAM = `
import express from 'express';
import Fastify from 'fastify';
import { AuthError, createVerifier, type Identity, type VerifierOptions } from '@authgate/core';
import { jwtAuth, requireScope } from '@authgate/express';
import authgate from '@authgate/fastify';
import { createTestIssuer } from '@authgate/testing';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ defaultAudience: 'orders-api' });
  const options: VerifierOptions = { issuer: issuer.url, audience: 'orders-api', algorithms: ['RS256'], jwksUri: issuer.jwksUri };
  const token = await issuer.sign({ sub: 'user-1', scope: 'orders:read' });
  const results: Record<string, number | string> = {};

  const verifier = createVerifier<{ scope: string }>(options);
  const identity: Identity<{ scope: string }> = await verifier.verify(token);
  results.core = identity.subject ?? 'none';
  results.coreError = await verifier.verify('not-a-token').then(() => 'accepted', (error: unknown) => (error instanceof AuthError ? error.reason : 'other'));
  verifier.close();

  const app = express();
  app.get('/orders', jwtAuth(options), requireScope('orders:read'), (req, res) => {
    res.json({ subject: req.auth?.subject });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const expressUrl = 'http://127.0.0.1:' + (server.address() as AddressInfo).port + '/orders';
  results.expressOk = (await fetch(expressUrl, { headers: { authorization: 'Bearer ' + token } })).status;
  results.expressNone = (await fetch(expressUrl)).status;
  await new Promise((resolve) => server.close(resolve));

  const fastify = Fastify();
  await fastify.register(authgate, options);
  fastify.get('/orders', { preHandler: fastify.requireScope('orders:read') }, async (request) => ({ subject: request.auth?.subject }));
  const reply = await fastify.inject({ url: '/orders', headers: { authorization: 'Bearer ' + token } });
  results.fastifyOk = reply.statusCode;
  results.fastifySubject = (reply.json() as { subject: string }).subject;
  results.fastifyNone = (await fastify.inject({ url: '/orders' })).statusCode;
  await fastify.close();

  await issuer.close();
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const EXPECTED = {
  core: 'user-1',
  coreError: 'malformed_token',
  expressOk: 200,
  expressNone: 401,
  fastifyOk: 200,
  fastifySubject: 'user-1',
  fastifyNone: 401,
};

// TypeScript settings a user may have. CommonJS apps need "nodenext" (TypeScript 5.8+ types require() of an ES
// module, as Node 20.19+ does it); "node16" from CommonJS cannot load ES-only packages, as the README says. Each
// check is a full strict compile of express's, fastify's and Node's declarations too (a few seconds of CPU).
const SETTINGS = {
  esm: {
    node16: { module: 'node16', moduleResolution: 'node16' },
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'preserve', moduleResolution: 'bundler' },
  },
  cjs: { nodenext: { module: 'nodenext', moduleResolution: 'nodenext' } },
} as const;

let scratch: string;
let packed: Packed[];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'authgate-pack-'));
  const out = execFileSync(process.execPath, [join(root, 'scripts/pack-all.mjs'), join(scratch, 'tarballs')], { encoding: 'utf8' });
  packed = JSON.parse(out) as Packed[];
}, 60_000);

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
});

function tarEntries(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function packedManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
}

describe('published packages', () => {
  it('are all packed, the four first ones among them', () => {
    expect(packed.map((pkg) => pkg.name)).toEqual(
      expect.arrayContaining(['@authgate/core', '@authgate/express', '@authgate/fastify', '@authgate/testing']),
    );
  });

  it('ship their LICENSE, CHANGELOG, README and built code with types', () => {
    for (const pkg of packed) {
      const entries = tarEntries(pkg.tarball);
      for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']) {
        expect(entries, `${pkg.name} lacks ${file}`).toContain(`package/${file}`);
      }
      expect(
        entries.filter((entry) => entry.includes('/test/')),
        `${pkg.name} ships tests`,
      ).toEqual([]);
    }
  });

  it('carry publishing metadata, build before packing, and no workspace: ranges', () => {
    for (const pkg of packed) {
      const manifest = packedManifest(pkg.tarball);
      const text = JSON.stringify(manifest);
      expect(text, `${pkg.name} keeps a workspace: range`).not.toContain('workspace:');
      for (const field of ['license', 'author', 'repository', 'homepage', 'bugs', 'keywords', 'engines']) {
        expect(manifest[field], `${pkg.name} lacks ${field}`).toBeDefined();
      }
      expect(manifest.publishConfig, pkg.name).toEqual({ access: 'public' });
      // pnpm strips prepack from the packed manifest: read it from the package's own.
      const source = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(source.scripts.prepack, `${pkg.name}: nothing builds before pack`).toContain('build');
      const deps = (manifest.dependencies ?? {}) as Record<string, string>;
      for (const [dep, range] of Object.entries(deps)) {
        if (dep.startsWith('@authgate/')) expect(range, `${pkg.name} -> ${dep}`).toBe(`^${packed.find((p) => p.name === dep)?.version}`);
      }
    }
  });

  it('install into ESM and CommonJS apps outside the workspace, typecheck strictly, and answer requests', async () => {
    const overrides = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
    await Promise.all(
      (Object.keys(SETTINGS) as Array<keyof typeof SETTINGS>).map(async (kind) => {
        const app = join(scratch, kind);
        mkdirSync(app);
        writeFileSync(
          join(app, 'package.json'),
          JSON.stringify({
            name: `scratch-${kind}`,
            private: true,
            type: kind === 'esm' ? 'module' : 'commonjs',
            dependencies: { ...overrides, ...THIRD_PARTY },
            pnpm: { overrides },
          }),
        );
        writeFileSync(join(app, 'app.ts'), PROGRAM);
        await run('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile', '--config.ignore-scripts=true', '--reporter=silent'], { cwd: app });
      }),
    );

    const checks = Object.entries(SETTINGS).flatMap(([kind, settings]) =>
      Object.entries(settings).map(async ([name, moduleOptions]) => {
        const app = join(scratch, kind);
        const emit = name === 'nodenext';
        const compilerOptions = {
          ...moduleOptions,
          target: 'es2022',
          lib: ['es2023'],
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          esModuleInterop: true,
          noEmit: !emit,
          ...(emit ? { outDir: 'out' } : {}),
        };
        writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
        try {
          await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app });
        } catch (error) {
          throw new Error(`${kind} app, TypeScript ${name}: ${(error as { stdout?: string }).stdout ?? String(error)}`);
        }
      }),
    );
    await Promise.all(checks);

    for (const kind of Object.keys(SETTINGS)) {
      const { stdout } = await run(process.execPath, ['out/app.js'], { cwd: join(scratch, kind) });
      expect(JSON.parse(stdout), `${kind} app`).toEqual(EXPECTED);
    }
  }, 300_000);
});

describe('the release setup', () => {
  it('has a changeset config, a LICENSE, and the release scripts', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.changeset).toBe('changeset');
    expect(manifest.scripts.release).toContain('changeset publish');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('MIT License');
    const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8')) as { access: string };
    expect(config.access).toBe('public');
  });
});
