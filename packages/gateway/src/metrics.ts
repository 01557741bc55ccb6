import type { KeySourceEvent } from '@authgate/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Outcome = 'allow' | 'deny' | 'error';

/** The gateway's Prometheus metrics, in a registry of its own (several gateways in one process do not collide). */
export interface GatewayMetrics {
  readonly registry: Registry;
  decision(outcome: Outcome, reason: string, startedAt: bigint): void;
  cacheLookup(hit: boolean): void;
  keyEvent(event: KeySourceEvent): void;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'authgate_gateway_' });
  const decisions = new Counter({
    name: 'authgate_gateway_decisions_total',
    help: 'Decisions by outcome (allow, deny, error) and reason (ok, or the AuthError reason)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'authgate_gateway_decision_duration_seconds',
    help: 'Time from receiving a decision request to answering it',
    labelNames: ['outcome'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const keyFetches = new Counter({
    name: 'authgate_gateway_key_fetches_total',
    help: 'JWKS fetches by result (success, failure)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'authgate_gateway_token_cache_lookups_total',
    help: 'Bearer tokens looked up in the verified-token cache, by result: hit (a repeated token, answered without verifying or hashing) or miss',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  let hits = 0;
  let total = 0;
  new Gauge({
    name: 'authgate_gateway_token_cache_hit_ratio',
    help: 'Share of bearer tokens found in the verified-token cache since start (0 to 1)',
    registers: [registry],
    collect() {
      this.set(total === 0 ? 0 : hits / total);
    },
  });
  return {
    registry,
    decision(outcome, reason, startedAt) {
      decisions.inc({ outcome, reason });
      latency.observe({ outcome }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    },
    cacheLookup(hit) {
      total += 1;
      if (hit) hits += 1;
      lookups.inc({ result: hit ? 'hit' : 'miss' });
    },
    keyEvent(event) {
      if (event.type === 'jwks_refreshed') keyFetches.inc({ result: 'success' });
      else if (event.type === 'jwks_refresh_failed') keyFetches.inc({ result: 'failure' });
    },
  };
}
