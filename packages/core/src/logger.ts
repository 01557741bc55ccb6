import { pino } from 'pino';
import type { AuthLogger } from './options.js';

let defaultLogger: AuthLogger | undefined;

/**
 * The logger used when the user gives none: a silent pino logger, as a library should be. `AUTHGATE_LOG_LEVEL`
 * (e.g. `warn`) turns it on without code changes, which is the quick way to see why tokens are refused or the key
 * source fails. Created on first use and shared, so many verifiers do not open many destinations. The redaction is
 * a second fence: authgate never passes a token to its logger, and a header or token field that ever slipped into a
 * log object would print as [Redacted].
 */
export function getDefaultLogger(): AuthLogger {
  defaultLogger ??= pino({
    name: 'authgate',
    level: process.env.AUTHGATE_LOG_LEVEL ?? 'silent',
    redact: ['token', 'authorization', '*.token', '*.authorization', 'headers.authorization', 'headers.cookie'],
  });
  return defaultLogger;
}
