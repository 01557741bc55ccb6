import { AuthConfigError, DEFAULT_REALM } from '../errors.js';
import type { Verifier } from '../verifier-types.js';
import { identityGuard, type Guard } from './guard.js';

/**
 * `requireActive()`: the route needs revocation to bite at once. The token (a locally valid JWT too) is introspected
 * now, never answered from a cached active result; the fresh answer also updates the cache other routes read.
 * `verifierFor` finds the verifier that authenticated the request (the adapter knows where it keeps it).
 */
export function createActiveGuard<R = unknown>(verifierFor: (request: R) => Verifier<object> | undefined, realm: string = DEFAULT_REALM): Guard<R> {
  return identityGuard<R>(
    'requireActive',
    async (identity, request) => {
      const verifier = verifierFor(request);
      if (verifier?.confirmActive === undefined) {
        throw new AuthConfigError('requireActive ran without a verifier made by createVerifier with the introspection option');
      }
      await verifier.confirmActive(identity);
      return undefined;
    },
    realm,
  );
}
