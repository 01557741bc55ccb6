import type { VerifierOptions } from '../options.js';
import { nonEmptyStrings } from '../config/validate.js';

export function normalizeTyp(value: VerifierOptions['typ']): Set<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(nonEmptyStrings('typ', value).map(canonicalTyp));
}

/** RFC 7515 §4.1.9: `typ` is a media type that may omit `application/`; media types compare case-insensitively. */
export function canonicalTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}
