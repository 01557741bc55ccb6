import { pino } from 'pino';
import type { AuthLogger } from './options.js';

let defaultLogger: AuthLogger | undefined;

/**
 * The logger used when the user gives none: pino to stderr at `warn`, so an identity-provider outage (every request
 * answered 503) is never invisible. Only state changes are logged at `warn` (a key source starts failing, recovers,
 * or runs out of usable keys), never a line per request. `AUTHGATE_LOG_LEVEL` changes the level (`debug` shows why
 * each token is refused, `silent` turns it off); `logger: false` silences one verifier. Created on first use and
 * shared, so many verifiers do not open many destinations. The redaction is a second fence: authgate never passes a
 * token to its logger, and a header or token field that ever slipped into a log object would print as [Redacted].
 */
export function getDefaultLogger(): AuthLogger {
  defaultLogger ??= pino(
    {
      name: 'authgate',
      level: process.env.AUTHGATE_LOG_LEVEL ?? 'warn',
      redact: ['token', 'authorization', '*.token', '*.authorization', 'headers.authorization', 'headers.cookie'],
    },
    pino.destination({ fd: 2, sync: true }),
  );
  return defaultLogger;
}

const ignore = (): void => {};

/** `logger: false`. */
export const SILENT_LOGGER: AuthLogger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });
