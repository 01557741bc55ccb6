import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, createRequestAuthenticator, createVerifier, type VerifierOptions } from '../src/index.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };
const ISSUER = 'https://issuer.example';

function token(header: Record<string, unknown> = {}, pad = false): string {
  const encode = (value: unknown): string => {
    const text = Buffer.from(JSON.stringify(value)).toString('base64url');
    return pad ? text + '='.repeat((4 - (text.length % 4)) % 4) : text;
  };
  const input = `${encode({ alg: 'ES256', kid: 'k1', ...header })}.${encode({ iss: ISSUER, aud: 'api', sub: 'u', exp: Math.floor(Date.now() / 1000) + 300 })}`;
  const signature = sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${pad ? signature + '='.repeat((4 - (signature.length % 4)) % 4) : signature}`;
}

const base: VerifierOptions = { issuer: ISSUER, audience: 'api', algorithms: ['ES256'], jwks: { keys: [jwk] } };

describe('header rules', () => {
  it('refuses a token carrying a refused header parameter, with the configured why in the detail only', async () => {
    const verifier = createVerifier({ ...base, refuseHeaders: { nonce: 'a Microsoft Graph token' } });
    await expect(verifier.verify(token())).resolves.toMatchObject({ subject: 'u' });
    const refusal = await verifier.verify(token({ nonce: 'abc' })).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ reason: 'header_refused', status: 401, detail: 'nonce header present: a Microsoft Graph token' });
    expect(String((refusal as Error).message)).not.toMatch(/Graph|abc/);
  });

  it('requires header parameters to equal one of the configured values', async () => {
    const verifier = createVerifier({ ...base, requireHeaders: { signer: ['arn:a', 'arn:b'] } });
    await expect(verifier.verify(token({ signer: 'arn:b' }))).resolves.toMatchObject({ subject: 'u' });
    await expect(verifier.verify(token({ signer: 'arn:c' }))).rejects.toMatchObject({ reason: 'header_mismatch' });
    await expect(verifier.verify(token({ signer: ['arn:a'] }))).rejects.toMatchObject({ reason: 'header_mismatch' });
    await expect(verifier.verify(token())).rejects.toMatchObject({ reason: 'header_mismatch' });
  });

  it('stays strict about base64url padding unless paddedSegments is on', async () => {
    await expect(createVerifier(base).verify(token({}, true))).rejects.toMatchObject({ reason: 'malformed_token' });
    const lenient = createVerifier({ ...base, paddedSegments: true });
    await expect(lenient.verify(token({}, true))).resolves.toMatchObject({ subject: 'u' });
    await expect(lenient.verify(token())).resolves.toMatchObject({ subject: 'u' });
    // Padding that base64 would not add is still refused.
    const [h, p, s] = token({}, true).split('.') as [string, string, string];
    await expect(lenient.verify(`${h}.${p}.${s}====`)).rejects.toMatchObject({ reason: 'malformed_token' });
  });

  it('validates its options', () => {
    expect(() => createVerifier({ ...base, refuseHeaders: { alg: 'x' } })).toThrow(AuthConfigError);
    expect(() => createVerifier({ ...base, refuseHeaders: { nonce: '' } })).toThrow(/must say why/);
    expect(() => createVerifier({ ...base, requireHeaders: { signer: [] } })).toThrow(/non-empty/);
  });
});

describe('tokenLocations.header naming a header that carries the bare token', () => {
  const verifier = createVerifier(base);

  it('reads only that header', async () => {
    const authenticate = createRequestAuthenticator(verifier, { tokenLocations: { header: 'X-Identity' } });
    await expect(authenticate({ headers: { 'x-identity': token() } })).resolves.toMatchObject({ subject: 'u' });
    await expect(authenticate({ headers: { authorization: `Bearer ${token()}` } })).rejects.toMatchObject({ reason: 'credentials_missing' });
    await expect(authenticate({ headers: { 'x-identity': ['a', 'b'] } })).rejects.toMatchObject({ reason: 'multiple_credentials' });
  });

  it('refuses Authorization and names that are not header names', () => {
    expect(() => createRequestAuthenticator(verifier, { tokenLocations: { header: 'Authorization' } })).toThrow(AuthConfigError);
    expect(() => createRequestAuthenticator(verifier, { tokenLocations: { header: 'x identity' } })).toThrow(AuthConfigError);
  });
});
