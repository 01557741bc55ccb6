import type { JSONWebKeySet } from 'jose';
import { fail } from '../config/validate.js';
import type { IssuerConfig, VerifierOptions } from '../options.js';
import { isIssuerTemplate, parseIssuerTemplate, type IssuerTemplate } from '../token/issuer-template.js';

/** One trusted issuer (or template) after validation, with where its keys come from (neither: discovery). */
export interface NormalizedIssuer {
  /** null when the issuer check was opted out of. */
  issuer: string | null;
  /** Set when `issuer` holds `{claim}` placeholders; such an issuer is never matched literally. */
  template: IssuerTemplate | undefined;
  jwksUri: string | undefined;
  jwks: JSONWebKeySet | undefined;
}

/**
 * The issuer list: exact strings or templates, each with its keys. A top-level `jwksUri` / `jwks` serves every
 * issuer that names no keys of its own (Google signs under two issuer spellings with one key set); an issuer with
 * its own keys keeps them. Templates need explicit keys: discovery from a URL the token helped choose is never done.
 */
export function normalizeIssuers(options: VerifierOptions): NormalizedIssuer[] {
  if (options.jwks !== undefined && options.jwksUri !== undefined) fail('give either jwks or jwksUri, not both');
  const secret = options.secret !== undefined;
  if (secret && (options.jwks !== undefined || options.jwksUri !== undefined || options.publicKeyUri !== undefined)) {
    fail(
      'give either secret (HS256/384/512 between trusted services) or jwks / jwksUri / publicKeyUri, not both: a verifier never mixes shared-secret and public-key tokens',
    );
  }
  if (options.issuer === undefined) {
    fail('issuer is required: the exact iss value of your identity provider (or null to skip the check on purpose)');
  }
  if (options.issuer === null) {
    if (!secret && options.jwks === undefined && options.jwksUri === undefined && options.publicKeyUri === undefined)
      fail('with issuer: null, give jwksUri or jwks, or publicKeyUri (discovery needs an issuer)');
    return [{ issuer: null, template: undefined, jwksUri: options.jwksUri, jwks: options.jwks }];
  }
  const entries = Array.isArray(options.issuer) ? options.issuer : [options.issuer];
  if (entries.length === 0) fail('issuer must name at least one issuer (or be null to skip the check on purpose)');
  const seen = new Set<string>();
  return entries.map((entry: string | IssuerConfig) => {
    const config: IssuerConfig = typeof entry === 'string' ? { issuer: entry } : entry;
    if (config === null || typeof config !== 'object' || typeof config.issuer !== 'string' || config.issuer === '') {
      fail('each issuer must be a non-empty string or { issuer, jwksUri?, jwks? }');
    }
    if (seen.has(config.issuer)) fail(`issuer ${config.issuer} is listed twice`);
    seen.add(config.issuer);
    if (config.jwks !== undefined && config.jwksUri !== undefined) fail(`issuer ${config.issuer}: give either jwks or jwksUri, not both`);
    const ownKeys = config.jwks !== undefined || config.jwksUri !== undefined;
    if (secret && ownKeys) fail(`issuer ${config.issuer}: with secret, no issuer has keys of its own (jwks, jwksUri)`);
    const jwksUri = ownKeys ? config.jwksUri : options.jwksUri;
    const jwks = ownKeys ? config.jwks : options.jwks;
    const template = isIssuerTemplate(config.issuer) ? parseIssuerTemplate(config.issuer, 'issuer') : undefined;
    if (template !== undefined && !secret && options.publicKeyUri === undefined && jwksUri === undefined && jwks === undefined) {
      fail(`issuer ${config.issuer} is a template: give jwksUri or jwks for it (keys are never discovered from an issuer the token chose)`);
    }
    return { issuer: config.issuer, template, jwksUri, jwks };
  });
}
