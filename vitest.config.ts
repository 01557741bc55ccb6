import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources; test/packaging checks the built packages from ESM and CommonJS.
export default defineConfig({
  resolve: {
    alias: {
      '@authgate/core': src('core'),
      '@authgate/express': src('express'),
      '@authgate/fastify': src('fastify'),
      '@authgate/testing': src('testing'),
      '@authgate/gateway': src('gateway'),
      '@authgate/redis': src('redis'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // `pnpm coverage`: V8 coverage of the packages' sources, with @authgate/core held to its thresholds.
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      thresholds: {
        'packages/core/src/**/*.ts': { lines: 95, branches: 90 },
      },
    },
  },
});
