import { afterEach, describe, expect, it, vi } from 'vitest';

// The default logger is created on first use from the environment, so each case loads a fresh module.
async function defaultLogger(level: string | undefined): Promise<{ level: string }> {
  vi.resetModules();
  if (level === undefined) delete process.env.AUTHGATE_LOG_LEVEL;
  else process.env.AUTHGATE_LOG_LEVEL = level;
  const { getDefaultLogger } = await import('../src/logger.js');
  return getDefaultLogger() as unknown as { level: string };
}

describe('the default logger', () => {
  afterEach(() => {
    delete process.env.AUTHGATE_LOG_LEVEL;
  });

  it('is a pino logger at warn (outages are visible) unless AUTHGATE_LOG_LEVEL says otherwise', async () => {
    expect((await defaultLogger(undefined)).level).toBe('warn');
    expect((await defaultLogger('silent')).level).toBe('silent');
    expect((await defaultLogger('debug')).level).toBe('debug');
  });
});
