import { fail } from '../config/validate.js';

/**
 * An issuer with `{claimName}` placeholders (`https://login.microsoftonline.com/{tid}/v2.0`): a token's `iss` matches
 * when it equals the template with each placeholder replaced by that claim of the same token. Compiled once.
 */
export interface IssuerTemplate {
  readonly template: string;
  /** The text around the placeholders: one more than `claims`. */
  readonly literals: readonly string[];
  readonly claims: readonly string[];
}

/** What a claim may contribute to an issuer: a tenant id, a project name; never `/`, `:`, `@`, `?` or `#`. */
const TEMPLATE_VALUE = /^[A-Za-z0-9._-]{1,64}$/;
const PLACEHOLDER_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isIssuerTemplate(issuer: string): boolean {
  return issuer.includes('{') || issuer.includes('}');
}

/** Validates a template at construction; `field` names the option in the message. */
export function parseIssuerTemplate(template: string, field: string): IssuerTemplate {
  const literals: string[] = [];
  const claims: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open === -1 && close === -1) break;
    if (open === -1 || close < open) fail(`${field} ${JSON.stringify(template)} has an unmatched brace: write placeholders as {claimName}`);
    const name = rest.slice(open + 1, close);
    if (!PLACEHOLDER_NAME.test(name)) fail(`${field} ${JSON.stringify(template)}: {${name}} is not a claim name (letters, digits, _ . : -)`);
    literals.push(rest.slice(0, open));
    claims.push(name);
    rest = rest.slice(close + 1);
  }
  literals.push(rest);
  if (literals[0] === '') fail(`${field} ${JSON.stringify(template)} must start with fixed text (the scheme and host), not a placeholder`);
  return Object.freeze({ template, literals: Object.freeze(literals), claims: Object.freeze(claims) });
}

function templateValue(payload: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(payload, claim) ? payload[claim] : undefined;
  return typeof value === 'string' && TEMPLATE_VALUE.test(value) ? value : undefined;
}

/** Whether `iss` is the template filled in from the token's own claims (each a string of `[A-Za-z0-9._-]{1,64}`). */
export function matchesIssuerTemplate(template: IssuerTemplate, iss: string, payload: Readonly<Record<string, unknown>>): boolean {
  const { literals, claims } = template;
  // Cheap refusals first: most tokens of other issuers differ already in the fixed prefix.
  if (!iss.startsWith(literals[0] as string) || !iss.endsWith(literals[literals.length - 1] as string)) return false;
  let expected = literals[0] as string;
  for (let i = 0; i < claims.length; i += 1) {
    const value = templateValue(payload, claims[i] as string);
    if (value === undefined) return false;
    expected += value + (literals[i + 1] as string);
  }
  return expected === iss;
}

/**
 * A JWK's own `issuer` member (Entra publishes `https://login.microsoftonline.com/{tenantid}/v2.0`): the key may
 * only verify tokens whose `iss` equals it with `{tenantid}` replaced by the token's `tid`.
 */
export function matchesKeyIssuer(keyIssuer: string, iss: unknown, payload: Readonly<Record<string, unknown>>): boolean {
  if (typeof iss !== 'string') return false;
  if (!keyIssuer.includes('{tenantid}')) return keyIssuer === iss;
  const tid = templateValue(payload, 'tid');
  return tid !== undefined && keyIssuer.replaceAll('{tenantid}', tid) === iss;
}
