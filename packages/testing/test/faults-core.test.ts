import { createVerifier, type VerifierOptions } from '@authgate/core';
import { createTestIssuer, type TestIssuer } from '@authgate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusalReason, silentLogger } from './helpers.js';

describe('JWKS faults as @authgate/core sees them', () => {
  let issuer: TestIssuer;
  beforeEach(async () => {
    issuer = await createTestIssuer({ defaultAudience: 'orders-api' });
  });
  afterEach(() => issuer.close());

  function verifierFor(options: Partial<VerifierOptions> = {}) {
    return createVerifier({
      issuer: issuer.url,
      audience: 'orders-api',
      algorithms: ['RS256'],
      jwksUri: issuer.jwksUri,
      logger: silentLogger,
      ...options,
    });
  }

  const outages: Array<[string, (issuer: TestIssuer) => void]> = [
    ['down', (i) => i.jwks.down()],
    ['status 503', (i) => i.jwks.status(503)],
    ['hang', (i) => i.jwks.hang()],
    ['garbage', (i) => i.jwks.garbage()],
    ['truncated', (i) => i.jwks.truncated()],
    ['oversized (chunked)', (i) => i.jwks.oversized(1024 * 1024, { contentLength: false })],
    ['empty', (i) => i.jwks.empty()],
  ];

  it.each(outages)('%s: a cold verifier answers key_source_unavailable, then recovers', async (_name, inject) => {
    const verifier = verifierFor({ jwksOptions: { timeout: 0.5 } });
    try {
      inject(issuer);
      const token = await issuer.sign({ sub: 'user-1' });
      expect(await refusalReason(verifier, token)).toBe('key_source_unavailable');
      expect(issuer.jwks.requests).toBeGreaterThanOrEqual(1);
      issuer.jwks.recover();
      // Core backs off after a failure (about a second); ready() fetches now regardless.
      await verifier.ready();
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    } finally {
      verifier.close();
    }
  });

  it('slow within the deadline still verifies', async () => {
    issuer.jwks.slow(200);
    const verifier = verifierFor({ jwksOptions: { timeout: 2 } });
    try {
      await expect(verifier.verify(await issuer.sign({ sub: 'user-1' }))).resolves.toMatchObject({ subject: 'user-1' });
    } finally {
      verifier.close();
    }
  });
});
