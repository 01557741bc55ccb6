import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import jwtAuth, { AuthConfigError, type JwtAuthOptions } from '@authgate/fastify';
import { AUDIENCE, ISSUER, sharedIssuer, withToken } from './helpers.js';

const suite = sharedIssuer();
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AUTHGATE_')) delete process.env[name];
});

async function answer(options: JwtAuthOptions | undefined, token: string): Promise<{ status: number; body: unknown }> {
  const app = Fastify();
  await (options === undefined ? app.register(jwtAuth) : app.register(jwtAuth, options));
  app.get('/', async (request) => ({ subject: request.auth?.subject, forwarded: request.auth?.token === token }));
  try {
    const reply = await app.inject({ url: '/', headers: withToken(token) });
    return { status: reply.statusCode, body: reply.json() };
  } finally {
    await app.close();
  }
}

describe('the plugin registered without options reads AUTHGATE_* variables', () => {
  it('verifies tokens configured from the environment alone; identity.token is the raw token', async () => {
    process.env.AUTHGATE_ISSUER = ISSUER;
    process.env.AUTHGATE_AUDIENCE = AUDIENCE;
    process.env.AUTHGATE_ALGORITHMS = 'RS256';
    process.env.AUTHGATE_JWKS_URI = suite.issuer().jwksUri;
    expect(await answer(undefined, suite.issuer().token())).toEqual({ status: 200, body: { subject: 'user-1', forwarded: true } });
    // Explicit options win over the variables.
    expect((await answer({ audience: 'another-api' } as JwtAuthOptions, suite.issuer().token())).status).toBe(401);
  });

  it('without options or variables, registration fails saying what is missing', async () => {
    await expect(Fastify().register(jwtAuth)).rejects.toThrow(/authgate: issuer is required/);
  });
});

describe('the plugin with AUTHGATE_PROVIDER builds the preset from AUTHGATE_<PRESET>_<ARGUMENT> variables', () => {
  const SERVICE_ACCOUNT = 'system:serviceaccount:orders:worker';

  function setKubernetes(): void {
    process.env.AUTHGATE_PROVIDER = 'Kubernetes';
    process.env.AUTHGATE_KUBERNETES_ISSUER = ISSUER;
    process.env.AUTHGATE_KUBERNETES_AUDIENCE = AUDIENCE;
    process.env.AUTHGATE_KUBERNETES_JWKS_URI = suite.issuer().jwksUri;
  }

  it('accepts what the preset accepts and refuses what it refuses; explicit options win', async () => {
    setKubernetes();
    const token = (sub: string) => suite.issuer().token({ sub });
    expect(await answer(undefined, token(SERVICE_ACCOUNT))).toEqual({ status: 200, body: { subject: SERVICE_ACCOUNT, forwarded: true } });
    expect((await answer(undefined, token('user-1'))).status).toBe(401);
    expect((await answer({ audience: 'another-api' } as JwtAuthOptions, token(SERVICE_ACCOUNT))).status).toBe(401);
  });

  it('refuses an unknown provider and a missing argument, naming the variable', async () => {
    process.env.AUTHGATE_PROVIDER = 'okta-ish';
    await expect(Fastify().register(jwtAuth)).rejects.toThrow(/AUTHGATE_PROVIDER "okta-ish" is not a provider preset/);
    setKubernetes();
    delete process.env.AUTHGATE_KUBERNETES_ISSUER;
    await expect(Fastify().register(jwtAuth)).rejects.toThrow('authgate: AUTHGATE_PROVIDER=kubernetes needs AUTHGATE_KUBERNETES_ISSUER');
  });
});

describe('misspelled plugin options fail registration with a suggestion', () => {
  it.each([
    [{ optinal: true }, 'unknown option optinal: did you mean optional?'],
    [{ tokenLocations: { cokie: 'at' } }, 'unknown option tokenLocations.cokie: did you mean tokenLocations.cookie?'],
    [{ jwksOptions: { timout: 1 } }, 'unknown option jwksOptions.timout: did you mean jwksOptions.timeout?'],
    [{ algorithms: 'RS256' }, "algorithms must be an array of algorithm names, e.g. ['RS256'] (got a string)"],
  ])('%#', async (extra, message) => {
    const register = Fastify().register(jwtAuth, { ...suite.options(), ...extra } as unknown as JwtAuthOptions);
    await expect(register).rejects.toThrow(AuthConfigError);
    await expect(Fastify().register(jwtAuth, { ...suite.options(), ...extra } as unknown as JwtAuthOptions)).rejects.toThrow(`authgate: ${message}`);
  });
});
