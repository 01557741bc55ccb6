import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import jwtAuth, { AuthConfigError, type JwtAuthOptions } from '@authgate/fastify';
import { AUDIENCE, ISSUER, sharedIssuer, withToken } from './helpers.js';

const suite = sharedIssuer();
const VARIABLES = ['AUTHGATE_ISSUER', 'AUTHGATE_AUDIENCE', 'AUTHGATE_ALGORITHMS', 'AUTHGATE_JWKS_URI'];
afterEach(() => {
  for (const name of VARIABLES) delete process.env[name];
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
