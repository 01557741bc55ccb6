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

  it('is a silent pino logger unless AUTHGATE_LOG_LEVEL turns it on', async () => {
    expect((await defaultLogger(undefined)).level).toBe('silent');
    expect((await defaultLogger('warn')).level).toBe('warn');
  });
});
