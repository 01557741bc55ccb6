import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestIssuer } from '@authgate/testing';
import { createGateway } from '@authgate/gateway';
import { AUDIENCE, bearer, gatewayConfig, startGateway, viaNginx } from './helpers.js';

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('trusted proxies', () => {
  it('refuses decisions from a peer outside trustedProxies, whatever it sends', async () => {
    const f = await startGateway({ trustedProxies: ['10.0.0.0/8'] });
    try {
      const response = await viaNginx(f.gateway, 'GET', '/docs/a', bearer(await f.token()));
      expect(response.statusCode).toBe(403);
      expect(response.headers['x-user-id']).toBeUndefined();
      // Operations endpoints are not decisions: probes still work.
      expect((await f.gateway.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await f.close();
    }
  });

  it('trusts loopback by default, over a real socket (IPv4)', async () => {
    const f = await startGateway();
    try {
      const address = await f.gateway.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${address}/auth`, {
        headers: { 'x-original-method': 'GET', 'x-original-uri': '/orders/1', ...bearer(await f.token({ scope: 'orders:read' })) },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-user-id')).toBe('user-1');
    } finally {
      await f.close();
    }
  });
});

describe('operations', () => {
  it('stays up while the keys are unreachable, answers 503, and becomes ready by itself', async () => {
    const issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
    issuer.jwks.status(503);
    const gateway = createGateway(gatewayConfig(issuer));
    try {
      await gateway.ready();
      const token = await issuer.sign({ sub: 'user-1' });
      expect((await gateway.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await gateway.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const outage = await viaNginx(gateway, 'GET', '/anything', bearer(token));
      expect(outage.statusCode).toBe(503);
      expect(outage.headers['retry-after']).toBeDefined();
      issuer.jwks.recover();
      await until(async () => (await gateway.inject({ method: 'GET', url: '/readyz' })).statusCode === 200);
      expect((await viaNginx(gateway, 'GET', '/anything', bearer(token))).statusCode).toBe(200);
    } finally {
      await gateway.close();
      await issuer.close();
    }
  });

  it('exposes Prometheus metrics: decisions by outcome and reason, latency, key fetches, cache hits', async () => {
    const f = await startGateway();
    try {
      const token = await f.token();
      // The cache admits a token on its second use and finds it at once (no hashing) from the fourth.
      for (let i = 0; i < 4; i += 1) await viaNginx(f.gateway, 'GET', '/x', bearer(token));
      await viaNginx(f.gateway, 'GET', '/x');
      const metrics = await f.gateway.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.headers['content-type']).toContain('text/plain');
      const text = metrics.body;
      expect(text).toMatch(/authgate_gateway_decisions_total\{outcome="allow",reason="ok"\} 4/);
      expect(text).toMatch(/authgate_gateway_decisions_total\{outcome="deny",reason="credentials_missing"\} 1/);
      expect(text).toMatch(/authgate_gateway_decision_duration_seconds_count\{outcome="allow"\} 4/);
      expect(text).toMatch(/authgate_gateway_key_fetches_total\{result="success"\} 1/);
      expect(text).toMatch(/authgate_gateway_token_cache_lookups_total\{result="hit"\} 1/);
      expect(text).toMatch(/authgate_gateway_token_cache_hit_ratio 0\.25/);
      expect(text).not.toContain(token.split('.')[2]);
    } finally {
      await f.close();
    }
  });

  it('serves no JWKS without signing', async () => {
    const f = await startGateway();
    try {
      expect((await f.gateway.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(404);
    } finally {
      await f.close();
    }
  });
});

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.skipIf(!existsSync(cli))('the authgate-gateway CLI (built)', () => {
  it('listens where told, logs its URL, decides, and shuts down on SIGTERM', async () => {
    const issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
    const dir = mkdtempSync(join(tmpdir(), 'authgate-gateway-cli-'));
    const configPath = join(dir, 'gateway.yaml');
    writeFileSync(
      configPath,
      `verifier:\n  issuer: ${issuer.url}\n  audience: ${AUDIENCE}\n  algorithms: [RS256]\n  jwksUri: ${issuer.jwksUri}\nrules:\n  - { path: /docs/*, auth: public }\n`,
    );
    const child = spawn(process.execPath, [cli, '--config', configPath, '--port', '0'], {
      env: { ...process.env, AUTHGATE_GATEWAY_HOST: '127.0.0.1', AUTHGATE_GATEWAY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await until(async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.test(output));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
      await until(async () => (await fetch(`${url}/readyz`)).status === 200);
      const allowed = await fetch(`${url}/auth`, {
        headers: { 'x-original-method': 'GET', 'x-original-uri': '/orders', ...bearer(await issuer.sign({ sub: 'cli-user' })) },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('x-user-id')).toBe('cli-user');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await issuer.close();
    }
  });

  it('exits 2 with a message naming the field for a bad config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authgate-gateway-cli-'));
    const configPath = join(dir, 'gateway.json');
    writeFileSync(
      configPath,
      JSON.stringify({ verifier: { issuer: 'https://idp.test/', audience: 'api', algorithms: ['RS256'] }, rules: [{ path: 'x', auth: 'public' }] }),
    );
    const child = spawn(process.execPath, [cli, '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('rules[0].path');
  });
});
