import { createIntrospector, type Introspector } from './introspector.js';
import { signedResponseReader } from './signed-response.js';
import type { IssuerRouter } from '../keys/issuer-router.js';
import type { NormalizedOptions } from '../options.js';

/** The introspector, when configured; signed answers (RFC 9701) are verified with the one issuer's key source. */
export function createIntrospectorFor(options: NormalizedOptions, router: IssuerRouter): Introspector | undefined {
  const settings = options.introspection;
  if (settings === undefined) return undefined;
  const issuer = options.issuers[0]?.issuer;
  const source = issuer === null || issuer === undefined ? undefined : router.sourceFor(issuer, {});
  const reader =
    settings.jwtResponse && source !== undefined && issuer
      ? signedResponseReader(source, issuer, settings.clientAuth.clientId, options, settings.maxResponseBytes)
      : undefined;
  // An answer's iss is accepted exactly when a token naming it would be routed to one of our issuers.
  return createIntrospector(settings, options, reader, (iss, answer) => router.sourceFor(iss, answer) !== undefined);
}
