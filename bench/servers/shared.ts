import { KeyObject, verify, webcrypto, type JsonWebKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';

/**
 * What every contender's server shares: its configuration (from the orchestrator, by environment) and how it tells
 * the orchestrator where it listens. Each server is its own process, so contenders never share a heap or a JIT.
 */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: servers are started by run.ts`);
  return value;
}

export const bench = {
  issuer: required('BENCH_ISSUER'),
  jwksUri: required('BENCH_JWKS_URI'),
  audience: required('BENCH_AUDIENCE'),
  /**
   * The issuer's introspection endpoint and @authgate/testing's default introspection client; read only by the
   * introspection contenders (the DPoP and revocation sections start servers without one).
   */
  get introspection(): { endpoint: string; clientId: string; clientSecret: string } {
    return { endpoint: required('BENCH_INTROSPECTION_ENDPOINT'), clientId: 'test-api', clientSecret: 'test-api-secret' };
  },
  /** authgate servers only: the scaling section's variant (BENCH_POOL=1: signatures on the libuv pool). */
  variant: process.env.BENCH_POOL === '1' ? { verifyInThreadPool: true } : {},
};

/** The one route, the same small JSON everywhere. */
export function ordersBody(subject: string | undefined): { subject: string | undefined; orders: Array<{ id: number; total: number }> } {
  return { subject, orders: [{ id: 1, total: 42.5 }] };
}

/** The 401 body the hand-written peer middleware answers with (the libraries choose their own). */
export const UNAUTHORIZED = { error: 'invalid_token' };

/**
 * V8's sampling CPU profiler (the one behind `--cpu-prof`), started and stopped on request so that a profile covers
 * the measured load only: no module loading, no warmup.
 */
let profiler: Session | undefined;

async function control(command: { id: number; profile: 'start' | 'stop'; intervalMicros?: number; file?: string }): Promise<void> {
  if (command.profile === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: command.intervalMicros ?? 200 });
    await profiler.post('Profiler.start');
  } else if (profiler !== undefined && command.file !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(command.file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  }
  process.send?.({ id: command.id, done: true });
}

/** Reports the port to the orchestrator, answers its control messages, and exits cleanly when told to stop. */
export function announce(server: Server, close: () => Promise<unknown>): void {
  const { port } = server.address() as AddressInfo;
  const stop = (): void => {
    void close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('message', (message) => {
    if (message === 'stop') stop();
    else if (typeof message === 'object' && message !== null && 'profile' in message) void control(message as Parameters<typeof control>[0]);
  });
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.send?.({ port });
}

/**
 * The reference, not a verifier: checks the RS256 signature of `Bearer <token>` with node:crypto against the JWKS's
 * first key, and nothing else (no header, no claims, no expiry). What every request that verifies must pay at least,
 * so no verifier can beat it; the distinct-token ratios are read against it. The key is imported through WebCrypto,
 * as jose (and so authgate) does: node:crypto's own JWK import gave a key that took 28.8 µs per RS256 check against
 * 25.1 µs (8 rounds side by side in one process), which would flatter every ratio read against this limit.
 */
export async function signatureOnlyCheck(): Promise<(authorization: string | undefined) => boolean> {
  const jwks = (await (await fetch(bench.jwksUri)).json()) as { keys: JsonWebKey[] };
  const imported = await webcrypto.subtle.importKey(
    'jwk',
    jwks.keys[0] as webcrypto.JsonWebKey,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const key = KeyObject.from(imported);
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return false;
    const lastDot = authorization.lastIndexOf('.');
    if (lastDot === -1) return false;
    const signingInput = Buffer.from(authorization.slice(7, lastDot), 'latin1');
    try {
      return verify('sha256', signingInput, key, Buffer.from(authorization.slice(lastDot + 1), 'base64url'));
    } catch {
      return false;
    }
  };
}
