import { AuthConfigError, createIdentityForwarder, createVerifier, type IdentityForwarder, type KeySourceEvent, type Verifier } from '@authgate/core';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { validateConfig, verifierOptionsOf, type GatewayConfig } from './config.js';
import { createDecider, type Decision } from './decision.js';
import { configError } from './errors.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { compileRules } from './rules.js';
import { trustedProxies } from './trusted-proxies.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's verifier: `health()` is what `/readyz` reports. */
    gatewayVerifier: Verifier<object>;
    /** The gateway's Prometheus registry (`/metrics`). */
    gatewayMetrics: GatewayMetrics;
  }
}

/** Paths the gateway answers itself; every other path is a decision. */
export const OPERATIONS_PATHS = ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json'] as const;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

function withConfigContext<T>(field: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    // Core's messages start with 'authgate: ' (one prefix everywhere): nest them without it, and leave our own alone.
    const inner = error instanceof AuthConfigError ? error.message.replace(/^authgate: /, '') : undefined;
    if (inner !== undefined && !inner.startsWith('@authgate/gateway')) configError(`${field}: ${inner}`);
    throw error;
  }
}

/**
 * The forward-auth server, not yet listening: validate everything now (a bad config throws an `AuthConfigError` that
 * names the field), then `await gateway.listen({ port, host })`. Keys are fetched in the background: until they
 * load, `/healthz` is 200 while `/readyz` and decisions answer 503, and the gateway becomes ready by itself.
 */
export function createGateway(config: GatewayConfig): FastifyInstance {
  validateConfig(config);
  const app = Fastify({
    logger: { level: config.logLevel ?? 'info' },
    // A line per decision would cost more than the decision: refusals are logged at debug, outages at warn.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    exposeHeadRoutes: false,
  });
  const metrics = createMetrics();
  const userOnEvent = (config.verifier as { onEvent?: (event: KeySourceEvent) => void }).onEvent;
  const verifier = withConfigContext('verifier', () =>
    createVerifier<object>({
      logger: app.log,
      ...verifierOptionsOf(config.verifier),
      onEvent: (event) => {
        metrics.keyEvent(event);
        userOnEvent?.(event);
      },
    }),
  );
  const rules = compileRules(config.rules, verifier.realm);
  const forwarder = withConfigContext('forwardIdentity', () => createIdentityForwarder(config.forwardIdentity ?? true, app.log)) as IdentityForwarder;
  const decide = createDecider({
    verifier,
    rules,
    forwarder,
    pathPrefix: config.pathPrefix,
    isTrusted: trustedProxies(config.trustedProxies),
    onCacheLookup: (hit) => metrics.cacheLookup(hit),
    onBug: (error) => app.log.error({ err: error }, 'authgate gateway: a decision failed unexpectedly'),
  });
  app.decorate('gatewayVerifier', verifier);
  app.decorate('gatewayMetrics', metrics);

  function answer(request: FastifyRequest, reply: FastifyReply, startedAt: bigint, decision: Decision): void {
    metrics.decision(decision.outcome, decision.reason, startedAt);
    if (decision.outcome !== 'allow') {
      request.log[decision.outcome === 'error' ? 'warn' : 'debug']({ reason: decision.reason, detail: decision.detail }, 'authgate gateway: refused');
    }
    void reply.code(decision.status).headers(decision.headers).send(decision.body);
  }

  // A decision request may carry any body (Envoy can be set to send it): never parsed, never a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const health = verifier.health();
    const issuers = health.issuers.map(({ issuer, ok, keys, stale }) => ({ issuer, ok, keys, stale }));
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ready' : 'keys_unavailable', issuers });
  });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    if (forwarder.jwks === undefined) return reply.code(404).send({ error: 'not_found', error_description: 'No signed identity is configured' });
    return reply.header('cache-control', 'public, max-age=300').send(forwarder.jwks);
  });
  app.all('*', (request, reply) => {
    const startedAt = process.hrtime.bigint();
    const raw = request.raw;
    const decision = decide({
      method: raw.method ?? 'GET',
      url: raw.url ?? '/',
      headers: raw.headers,
      rawHeaders: raw.rawHeaders,
      remoteAddress: raw.socket.remoteAddress,
    });
    if (decision instanceof Promise) {
      return decision.then((settled) => {
        answer(request, reply, startedAt, settled);
        return reply;
      });
    }
    answer(request, reply, startedAt, decision);
    return reply;
  });

  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  function loadKeys(delay: number): void {
    verifier.ready().then(
      () => app.log.info('authgate gateway: keys loaded, ready'),
      (error: unknown) => {
        if (closed) return;
        app.log.warn(
          { err: { message: (error as Error)?.message }, retryInMs: delay },
          'authgate gateway: keys unavailable; decisions answer 503 until they load',
        );
        retry = setTimeout(() => loadKeys(Math.min(delay * 2, MAX_RETRY_MS)), delay);
        retry.unref();
      },
    );
  }
  app.addHook('onReady', async () => loadKeys(FIRST_RETRY_MS));
  app.addHook('onClose', async () => {
    closed = true;
    clearTimeout(retry);
    verifier.close();
  });
  return app;
}
