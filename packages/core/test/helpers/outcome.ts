import type { AuthError, Identity, Verifier } from '@authgate/core';

/** 'accepted', or the reason of the AuthError the result rejects with. */
export async function reasonOf(result: unknown): Promise<string> {
  try {
    await result;
    return 'accepted';
  } catch (error) {
    return (error as AuthError).reason;
  }
}

/** Verifies a token until it is in the hot cache: once remembered, twice cached, a third time promoted. */
export async function makeHot(verifier: Verifier, token: string): Promise<Identity> {
  let identity: Identity | undefined;
  for (let i = 0; i < 3; i += 1) identity = await verifier.verify(token);
  return identity as Identity;
}
