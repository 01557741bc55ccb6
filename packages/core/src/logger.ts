import { pino } from 'pino';
import type { AuthLogger } from './options.js';

let defaultLogger: AuthLogger | undefined;

/**
 * The logger used when the user gives none: pino at `warn`, so a key-source outage or a developer error is visible
 * out of the box while per-request rejections (logged at `debug`) stay quiet. Created on first use and shared, so
 * many verifiers do not open many destinations. The redaction is a second fence: authgate never passes a token to
 * its logger, and a header or token field that ever slipped into a log object would print as [Redacted].
 */
export function getDefaultLogger(): AuthLogger {
  defaultLogger ??= pino({
    name: 'authgate',
    level: process.env.AUTHGATE_LOG_LEVEL ?? 'warn',
    redact: ['token', 'authorization', '*.token', '*.authorization', 'headers.authorization', 'headers.cookie'],
  });
  return defaultLogger;
}
