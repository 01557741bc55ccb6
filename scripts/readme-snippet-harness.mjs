// Loaded with `node --import` into the process of each README block that scripts/run-readme-snippets.mjs runs (the
// conventions are described there). Before the block: starts the local issuer that stands in for the README's
// https://idp.example.com, mints the caller's token, and gives the names the README's prose provides (`token`, `app`,
// `issuer`, ...) real values as globals. After the block, `__readmeRun.check()` verifies and sends the requests its
// marker names, then closes what it started.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './readme-blocks.mjs';

const run = JSON.parse(process.env.README_SNIPPET_RUN ?? 'null');
if (run === null) throw new Error('readme-snippet-harness.mjs is loaded by scripts/run-readme-snippets.mjs only');

// The packages as the blocks import them: from test/, whose node_modules hold every @authgate package and framework.
const fromTests = createRequire(join(root, 'test', 'package.json'));
const load = (name) => import(pathToFileURL(fromTests.resolve(name)).href);

const AUDIENCE = 'orders-api';
// The caller every example is written for: the scopes, roles and claims their routes and `claims` options ask for.
const CLAIMS = {
  sub: 'user-1',
  scope: 'orders:read orders:write reports:read',
  roles: ['admin', 'staff'],
  tenant: 'acme',
  tier: 'gold',
  token_use: 'access',
};

const testing = await load('@authgate/testing');
// issuerPath '/' makes `iss` http://127.0.0.1:PORT/, what 'https://idp.example.com/' became in the run copy.
const local = await testing.createTestIssuer({
  port: run.issuerPort,
  issuerPath: '/',
  algorithms: ['RS256', 'ES256'],
  defaultAudience: AUDIENCE,
  introspectionClients: [{ clientId: AUDIENCE, clientSecret: process.env.INTROSPECTION_SECRET }],
});
const encryption = run.context === 'core' || run.encrypted ? testing.generateEncryptionKey('RSA', 'enc-1') : undefined;
const token = run.encrypted
  ? await local.signEncrypted(CLAIMS, { algorithm: run.alg }, encryption.publicJwk)
  : await local.sign(CLAIMS, { algorithm: run.alg });
const options = { issuer: local.url, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: local.jwksUri };
Object.assign(globalThis, { token, issuer: local.url, audience: AUDIENCE, jwksUri: local.jwksUri, options });

if (run.context === 'express') {
  const { default: express } = await load('express');
  const { jwtAuth } = await load('@authgate/express');
  const app = express();
  if (run.authenticated) app.use(jwtAuth(options));
  Object.assign(globalThis, {
    app,
    jwtAuth,
    handler: (req, res) => res.json({ ok: true }),
    personalisedFeed: (subject) => ({ feed: 'personalised', subject }),
    publicFeed: () => ({ feed: 'public' }),
  });
} else if (run.context === 'fastify') {
  const { default: Fastify } = await load('fastify');
  const { jwtAuth } = await load('@authgate/fastify');
  const app = Fastify();
  if (run.authenticated) await app.register(jwtAuth, options);
  Object.assign(globalThis, { app, jwtAuth, handler: async () => ({ ok: true }) });
} else if (run.context === 'core') {
  globalThis.privateEncryptionJwk = encryption.privateJwk;
} else if (run.context === 'testing') {
  // The testing README's `issuer` is a TestIssuer, and `oldKid` a key it signed with before rotating.
  Object.assign(globalThis, { issuer: local, oldKid: local.currentKid('RS256') });
}

/** Listens with the block's app unless the block did, and returns how to close it. */
async function serve(app) {
  if (typeof app?.inject === 'function') {
    if (!app.server.listening) await app.listen({ port: run.appPort, host: '127.0.0.1' });
    return () => app.close();
  }
  if (typeof app?.listen !== 'function') throw new Error('the marker names requests, but the block has no `app`');
  // An Express app the block listened with itself has no handle here: its process ends after the checks.
  if (run.blockListens) return async () => {};
  const server = await new Promise((resolve, reject) => {
    const started = app.listen(run.appPort, '127.0.0.1', () => resolve(started));
    started.once('error', reject);
  });
  return () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
}

/** fetch, retried while nothing listens yet (a block's `app.listen(port)` binds after the block's last line). */
async function send(url, init) {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (error.cause?.code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function check({ app, verifier }) {
  const failures = [];
  if (run.verify) {
    if (typeof verifier?.verify !== 'function') throw new Error('the marker says verify, but the block has no `verifier`');
    const identity = await verifier.verify(token);
    if (identity.subject !== CLAIMS.sub) failures.push(`verifier.verify(token): subject ${identity.subject}, expected ${CLAIMS.sub}`);
  }
  const close = run.requests.length > 0 ? await serve(app) : async () => {};
  for (const { method, path, anonymous, withToken } of run.requests) {
    for (const [who, expected, headers] of [
      ['without a token', anonymous, {}],
      ['with the token', withToken, { authorization: `Bearer ${token}` }],
    ]) {
      const response = await send(`http://127.0.0.1:${run.appPort}${path}`, { method, headers });
      const body = await response.text();
      if (response.status !== expected) failures.push(`${method} ${path} ${who}: ${response.status}, expected ${expected}: ${body.slice(0, 300)}`);
      else if (response.status === 401 && response.headers.get('www-authenticate') === null) {
        failures.push(`${method} ${path} ${who}: 401 without a WWW-Authenticate challenge (RFC 6750 §3)`);
      }
    }
  }
  await close();
  await local.close();
  if (failures.length > 0) {
    console.error(`readme-snippet-harness: ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
  if (run.requests.length > 0) process.exit();
}

globalThis.__readmeRun = { check };
