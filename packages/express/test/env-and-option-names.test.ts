import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { AuthConfigError, jwtAuth, type JwtAuthOptions } from '@authgate/express';
import { AUDIENCE, ISSUER, serve, startIssuer, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(() => issuer.close());

afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AUTHGATE_')) delete process.env[name];
});

function setEnv(): void {
  process.env.AUTHGATE_ISSUER = ISSUER;
  process.env.AUTHGATE_AUDIENCE = `other-api, ${AUDIENCE}`;
  process.env.AUTHGATE_ALGORITHMS = 'ES256,RS256';
  process.env.AUTHGATE_JWKS_URI = issuer.jwksUri;
}

async function statusWith(auth: ReturnType<typeof jwtAuth>, token: string): Promise<number> {
  const app = express();
  app.get('/', auth, (req, res) => res.json({ subject: req.auth?.subject, token: req.auth?.token === token }));
  const running = await serve(app);
  try {
    const response = await running.fetch(`/`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 200) expect(await response.json()).toEqual({ subject: 'user-1', token: true });
    return response.status;
  } finally {
    await running.close();
    auth.verifier.close();
  }
}

describe('jwtAuth() with no options reads AUTHGATE_* variables', () => {
  it('verifies tokens configured from the environment alone', async () => {
    setEnv();
    expect(await statusWith(jwtAuth(), await issuer.sign())).toBe(200);
  });

  it('explicit options win, key by key', async () => {
    setEnv();
    expect(await statusWith(jwtAuth({ audience: 'not-this-one' } as JwtAuthOptions), await issuer.sign())).toBe(401);
    expect(await statusWith(jwtAuth({ algorithms: ['ES256'] } as JwtAuthOptions), await issuer.sign())).toBe(401);
  });

  it('without options or variables, says what is missing', () => {
    expect(() => jwtAuth()).toThrow(/authgate: issuer is required/);
  });
});

describe('jwtAuth() with AUTHGATE_PROVIDER builds the preset from AUTHGATE_<PRESET>_<ARGUMENT> variables', () => {
  const SERVICE_ACCOUNT = 'system:serviceaccount:orders:worker';

  function setKubernetes(): void {
    process.env.AUTHGATE_PROVIDER = 'kubernetes';
    process.env.AUTHGATE_KUBERNETES_ISSUER = ISSUER;
    process.env.AUTHGATE_KUBERNETES_AUDIENCE = `other-api,${AUDIENCE}`;
    process.env.AUTHGATE_KUBERNETES_JWKS_URI = issuer.jwksUri;
  }

  async function subjectStatus(auth: ReturnType<typeof jwtAuth>, claims: Record<string, unknown>): Promise<number> {
    const app = express();
    app.get('/', auth, (req, res) => res.json({ subject: req.auth?.subject }));
    const running = await serve(app);
    try {
      return (await running.fetch('/', { headers: { authorization: `Bearer ${await issuer.sign(claims)}` } })).status;
    } finally {
      await running.close();
      auth.verifier.close();
    }
  }

  it('accepts what the preset accepts and refuses what it refuses', async () => {
    setKubernetes();
    expect(await subjectStatus(jwtAuth(), { sub: SERVICE_ACCOUNT })).toBe(200);
    // The preset's own rule (a service-account subject), not only the variables' values.
    expect(await subjectStatus(jwtAuth(), { sub: 'user-1' })).toBe(401);
  });

  it('explicit options win, key by key', async () => {
    setKubernetes();
    expect(await subjectStatus(jwtAuth({ audience: 'not-this-one' } as JwtAuthOptions), { sub: SERVICE_ACCOUNT })).toBe(401);
  });

  it('refuses an unknown provider, a missing argument and a misspelled variable, naming the variable', () => {
    process.env.AUTHGATE_PROVIDER = 'kubernets';
    expect(() => jwtAuth()).toThrow(/AUTHGATE_PROVIDER "kubernets" is not a provider preset: did you mean kubernetes\?/);
    setKubernetes();
    delete process.env.AUTHGATE_KUBERNETES_AUDIENCE;
    expect(() => jwtAuth()).toThrow(AuthConfigError);
    expect(() => jwtAuth()).toThrow('authgate: AUTHGATE_PROVIDER=kubernetes needs AUTHGATE_KUBERNETES_AUDIENCE');
    process.env.AUTHGATE_KUBERNETES_AUDIENCE = AUDIENCE;
    process.env.AUTHGATE_KUBERNETES_JWKS_URL = issuer.jwksUri;
    expect(() => jwtAuth()).toThrow(
      /AUTHGATE_KUBERNETES_JWKS_URL is not an argument of the kubernetes preset: did you mean AUTHGATE_KUBERNETES_JWKS_URI\?/,
    );
  });
});

describe('misspelled jwtAuth options fail at set-up with a suggestion', () => {
  const base = () => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: issuer.jwksUri });
  it.each([
    [{ optinal: true }, 'unknown option optinal: did you mean optional?'],
    [{ passError: true }, 'unknown option passError: did you mean passErrors?'],
    [{ tokenLocation: { cookie: 'at' } }, 'unknown option tokenLocation: did you mean tokenLocations?'],
    [{ tokenLocations: { querry: true } }, 'unknown option tokenLocations.querry: did you mean tokenLocations.query?'],
    [{ clockTolerence: 5 }, 'unknown option clockTolerence: did you mean clockTolerance?'],
    [{ optional: 'yes' }, 'optional must be true or false (got a string)'],
  ])('%#', (extra, message) => {
    const attempt = () => jwtAuth({ ...base(), ...extra } as unknown as JwtAuthOptions);
    expect(attempt).toThrow(AuthConfigError);
    expect(attempt).toThrow(`authgate: ${message}`);
  });
});
