import type { AuthLogger } from '../options.js';

type OutageState = 'ok' | 'serving_stale' | 'failing';

/**
 * Logs a remote dependency's outages (a JWKS endpoint; an introspection endpoint) the way an operator wants them:
 * one `warn` line when its state changes (it starts failing, runs out of stale keys, recovers), never a line per
 * request or per retry; the retries in between go to `debug`. The default logger prints `warn`, so an outage is
 * visible without any configuration.
 */
export class OutageLog {
  private state: OutageState = 'ok';

  constructor(
    private readonly logger: AuthLogger,
    private readonly what: string,
    private readonly staleData: string,
  ) {}

  /** A fetch failed; `servingStale` says whether requests are still answered from older data. */
  failed(fields: object, servingStale: boolean): void {
    const next: OutageState = servingStale ? 'serving_stale' : 'failing';
    const changed = next !== this.state;
    this.state = next;
    const message = servingStale
      ? `authgate: ${this.what} failed; verifying with ${this.staleData} until it recovers or maxStale passes`
      : `authgate: ${this.what} failed; requests that need it are answered 503 until it recovers`;
    this.logger[changed ? 'warn' : 'debug'](fields, message);
  }

  /** A fetch succeeded: logged at `warn` only when it ends an outage. */
  succeeded(fields: object): void {
    if (this.state === 'ok') return;
    this.state = 'ok';
    this.logger.warn(fields, `authgate: ${this.what} recovered`);
  }
}
