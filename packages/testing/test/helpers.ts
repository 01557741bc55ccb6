import { AuthError, type Verifier } from '@authgate/core';

/** The refusal reason of a token, or a failure if the verifier accepted it or threw something other than AuthError. */
export async function refusalReason(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof AuthError) return error.reason;
    throw error;
  }
  throw new Error('the verifier accepted the token');
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('not a compact JWS');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const header = (token: string): Record<string, unknown> => decodePart(token, 0);
export const payload = (token: string): Record<string, unknown> => decodePart(token, 1);

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Keeps expected refresh-failure warnings of @authgate/core out of the test output. */
export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
