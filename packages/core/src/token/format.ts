/**
 * Which token model a bearer token is, by its shape alone (nothing is decoded): a compact JWS (three segments), a
 * compact JWE (five), both starting with a base64url JSON object (`eyJ` is `{"`); anything else is opaque, and is
 * only ever judged by the authorization server (introspection) or refused.
 */
export type TokenFormat = 'jws' | 'jwe' | 'opaque';

export function tokenFormat(token: string): TokenFormat {
  if (!token.startsWith('eyJ')) return 'opaque';
  let dots = 0;
  for (let at = token.indexOf('.'); at !== -1 && dots < 5; at = token.indexOf('.', at + 1)) dots += 1;
  return dots === 2 ? 'jws' : dots === 4 ? 'jwe' : 'opaque';
}

/** RFC 6750 §2.1 b64token: what a bearer token may be made of. Anything else is malformed, and is never sent on. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}
