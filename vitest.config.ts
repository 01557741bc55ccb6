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
  },
});
