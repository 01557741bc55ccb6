import {
  AuthConfigError,
  checkAdapterOptionNames,
  createIdentityForwarder,
  keysOf,
  type OptionKeys,
  createRequestAuthenticator,
  createWorkloadAuthenticator,
  resolveTokenExchange,
  resolveVerifier,
  type Identity,
  type RequestAuthenticator,
  type Verifier,
} from '@authgate/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { decorateGuards } from './guards.js';
import {
  isApplicationHandler,
  kAuthChecked,
  kRouteRecord,
  refuseThrough,
  ROUTE_AUTH_VALUES,
  type CheckedRequest,
  type RouteConfig,
  type RouteRecord,
} from './refuse.js';
import type { AdapterOptions, AuthClaims, JwtAuthOptions, RouteAuth } from './index.js';

function validateRouteAuth(value: unknown, url: string): void {
  if (!ROUTE_AUTH_VALUES.has(value)) {
    throw new AuthConfigError(
      `authgate: @authgate/fastify: route ${url}: config.auth must be true, false, 'optional' or 'required' (got ${JSON.stringify(value)})`,
    );
  }
}

/** The plugin's own option names (unknown names are refused with a suggestion). */
const ADAPTER_OPTION_KEYS: OptionKeys<AdapterOptions> = {
  optional: true,
  tokenLocations: true,
  forwardIdentity: true,
  dpop: true,
  mtls: true,
  tokenExchange: true,
  workload: true,
};

const authgatePlugin: FastifyPluginAsync<JwtAuthOptions> = async (fastify, options) => {
  if (fastify.hasRequestDecorator('auth')) {
    throw new AuthConfigError(
      'authgate: @authgate/fastify: request.auth is already decorated here: register the plugin once per scope chain (a parent registration already protects child scopes)',
    );
  }
  if (options === null || typeof options !== 'object') throw new AuthConfigError('authgate: @authgate/fastify: options must be an object');
  checkAdapterOptionNames(options, keysOf(ADAPTER_OPTION_KEYS));
  const {
    optional: optionalByDefault,
    tokenLocations: explicitLocations,
    dpop,
    mtls,
    forwardIdentity,
    verifier: given,
    tokenExchange: exchangeOption,
    workload: workloadOptions,
    ...verifierOptions
  } = options;
  // Fastify's logger when the application turned it on (a disabled one has no level and would hide outages).
  const defaults = typeof fastify.log.level === 'string' ? { logger: fastify.log } : {};
  const resolved = resolveVerifier<AuthClaims>(given as Verifier<AuthClaims> | undefined, verifierOptions, '@authgate/fastify', defaults);
  const { verifier, owned } = resolved;
  // Explicit tokenLocations win over the environment's preset (AUTHGATE_PROVIDER=aws-alb reads x-amzn-oidc-data).
  const tokenLocations = explicitLocations ?? resolved.tokenLocations;
  const forwarder = createIdentityForwarder(forwardIdentity, fastify.log);
  const tokenExchange = resolveTokenExchange(exchangeOption);
  const required = createRequestAuthenticator(verifier, { tokenLocations, dpop, mtls, tokenExchange });
  const optional = createRequestAuthenticator(verifier, { tokenLocations, dpop, mtls, optional: true, tokenExchange });
  const workload = createWorkloadAuthenticator(workloadOptions, { logger: fastify.log });
  const byDefault = optionalByDefault === true ? optional : required;
  // Anything but an explicit 'optional' (or no opinion under `optional: true`) demands a token: fail closed.
  const authenticatorFor = (mode: RouteAuth | undefined): RequestAuthenticator<AuthClaims> | null =>
    mode === false ? null : mode === 'optional' ? optional : mode === undefined ? byDefault : required;
  /**
   * The one hook, at the plugin's place among the scope's hooks (hooks registered after it can rely on `request.auth`,
   * and never run for a refused request). A callback hook rather than an async one: a token whose answer is known at
   * once (cached, or its key already held) is then accepted synchronously, with no promise at all; any other costs
   * one promise reaction.
   */
  function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    // On every request, whatever happens next (public routes too): no client-sent identity header reaches a service.
    if (forwarder !== undefined) forwarder.strip({ headers: request.headers, rawHeaders: request.raw.rawHeaders });
    const config = request.routeOptions.config as unknown as RouteConfig;
    const record = config[kRouteRecord];
    // No record: a route declared before the plugin, or an unknown URL (401 before 404 discloses no routes).
    const authenticator = record !== undefined ? record.authenticator : authenticatorFor(config.auth);
    if (authenticator === null) {
      done();
      return;
    }
    // Fastify's request is what core reads: headers (a hook's replacement included), Node's raw headers, query and
    // body, and for DPoP and mTLS its method, URL, trust-proxy-aware protocol and host, and socket.
    // The workload first (who calls), then the user (on whose behalf).
    if (workload !== undefined) {
      workload
        .authenticate(request)
        .then((caller) => {
          request.workload = caller;
          return authenticator(request);
        })
        .then(
          (identity) => accept(request, identity, done),
          (error: unknown) => refuseThrough(request, reply, done, error),
        );
      return;
    }
    const result = authenticator(request);
    if (result instanceof Promise) {
      result.then(
        (identity) => accept(request, identity, done),
        (error: unknown) => refuseThrough(request, reply, done, error),
      );
    } else {
      accept(request, result, done);
    }
  }

  function accept(request: FastifyRequest, identity: Identity<AuthClaims> | null, done: HookHandlerDoneFunction): void {
    request.auth = identity;
    (request as unknown as CheckedRequest)[kAuthChecked] = true;
    if (forwarder !== undefined && identity !== null) forwarder.apply({ headers: request.headers, rawHeaders: request.raw.rawHeaders }, identity);
    done();
  }

  fastify.decorateRequest('auth', null);
  fastify.decorateRequest('workload', null);
  fastify.decorateRequest(kAuthChecked, false);
  fastify.decorate('authVerifier', verifier);
  fastify.decorate('authIdentityJwks', forwarder?.jwks);
  decorateGuards(fastify, verifier.realm, verifier as Verifier<object>);

  fastify.addHook('onRoute', function (this: FastifyInstance, route) {
    const mode = route.config?.auth;
    validateRouteAuth(mode, route.url);
    const record: RouteRecord = { authenticator: authenticatorFor(mode), customErrorHandler: undefined };
    route.config = { ...route.config, [kRouteRecord]: record } as typeof route.config;
    // Fastify fixes a route's error handler once the current plugin has loaded (a handler set later on a parent
    // scope does not reach it); look at the same moment, so our answer follows the handler Fastify will really use.
    // (A listener without parameters passes any loading error on untouched.)
    this.after(() => {
      record.customErrorHandler = route.errorHandler !== undefined || isApplicationHandler(this.errorHandler);
    });
  });
  // A token in the body can only be read once the body is parsed; otherwise check before parsing anything.
  if (tokenLocations?.body !== undefined && tokenLocations.body !== false) fastify.addHook('preValidation', authenticate);
  else fastify.addHook('onRequest', authenticate);
  if (owned) fastify.addHook('onClose', async () => verifier.close());
  if (workload !== undefined) fastify.addHook('onClose', async () => workload.close());
};

/**
 * The Fastify plugin. Not encapsulated (fastify-plugin): it protects every route of the scope it is registered in,
 * including child scopes. Register it inside `fastify.register(async (scope) => ...)` to protect only that scope.
 */
export const jwtAuth = fp(authgatePlugin, { name: '@authgate/fastify', fastify: '5.x' });
