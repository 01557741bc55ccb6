import type { KeySource } from './key-source.js';
import type { NormalizedOptions } from '../options.js';
import { RemoteKeySource } from './remote-jwks.js';
import { StaticKeySource } from './static-jwks.js';
import { PemKeySource } from './pem-by-kid.js';
import { SecretKeySource } from './secret.js';

/** The key source of one configured issuer (or of several sharing it): a secret, static keys, PEM by kid, or a JWKS. */
export function createKeySource(entry: NormalizedOptions['issuers'][number], options: NormalizedOptions, sharedBy: readonly string[]): KeySource {
  if (options.secret !== undefined) return new SecretKeySource(options.secret, sharedBy.length > 1 ? sharedBy.join(', ') : entry.issuer);
  // A source shared by several issuers names them all in health and logs.
  const issuer = sharedBy.length > 1 ? sharedBy.join(', ') : entry.issuer;
  const common = { issuer, realm: options.realm, logger: options.logger, onEvent: options.onEvent, keyUse: options.keyUse };
  if (entry.jwks !== undefined) return new StaticKeySource(entry.jwks, common);
  if (options.publicKeyUri !== undefined) {
    return new PemKeySource({ ...common, template: options.publicKeyUri, jwks: options.jwks, allowInsecureHttp: options.allowInsecureHttp });
  }
  return new RemoteKeySource({
    ...common,
    ...(entry.jwksUri !== undefined ? { jwksUri: entry.jwksUri } : { discoverFrom: entry.issuer as string }),
    jwks: options.jwks,
    allowInsecureHttp: options.allowInsecureHttp,
  });
}
