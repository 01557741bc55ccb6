/**
 * nginx in front of a service, with and without @authgate/gateway deciding each request through `auth_request`
 * (the server block the gateway README documents, verbatim apart from ports): what the edge pays for authgate.
 * Debian's nginx (one worker), the gateway in its own process, the upstream (fastify-none) in its own; one repeated
 * token, interleaved rounds, medians of req/s. Nothing is pinned: nginx, gateway, upstream and autocannon share the
 * two cores, so the ratio is what one machine serving it all would see.
 * Usage: pnpm --filter @authgate/bench run nginx-gateway   (section 7 of `pnpm bench`)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestIssuer } from '@authgate/testing';
import { freePort, nginxBinary, readmeNginxSnippet, startNginx, type RunningNginx } from '../test/helpers/nginx.js';
import { reportToParent } from './lib/child.js';
import { AUDIENCE, config } from './lib/config.js';
import { runLoad } from './lib/load.js';
import { median } from './lib/rounds.js';
import { startServer } from './lib/server-process.js';
import { mintTokens } from './lib/tokens.js';

const README = fileURLToPath(new URL('../packages/gateway/README.md', import.meta.url));
const ROUNDS = Math.min(config.rounds, 6);

export interface NginxGatewayResults {
  nginxAlone: number;
  nginxWithGateway: number;
  ratio: number;
  rounds: number;
}

async function main(): Promise<void> {
  const binary = nginxBinary();
  if (binary === undefined) throw new Error('nginx is not installed: apt-get install -y nginx (.ci/run does this)');
  const issuer = await createTestIssuer({ defaultAudience: AUDIENCE });
  const env = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: AUDIENCE };
  const upstream = await startServer('fastify-none', env);
  const gateway = await startServer('gateway-auth-request', env);
  const proxies: RunningNginx[] = [];
  try {
    const [token] = await mintTokens(issuer, 1);
    const withPort = await freePort();
    const snippet = readmeNginxSnippet(README)
      .replace('listen 80;', `listen 127.0.0.1:${withPort};`)
      .replace('http://127.0.0.1:8080/auth', `${gateway.url}/auth`)
      .replace('http://127.0.0.1:3000', upstream.url);
    const alonePort = await freePort();
    const alone = `server {\n  listen 127.0.0.1:${alonePort};\n  location / {\n    proxy_pass ${upstream.url};\n  }\n}\n`;
    proxies.push(await startNginx(binary, alone, alonePort), await startNginx(binary, snippet, withPort));
    const rates: number[][] = [[], []];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const index of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const load = await runLoad(
          {
            url: proxies[index]!.url,
            connections: config.connections,
            warmup: round === 0 ? config.warmup : 0.5,
            duration: config.duration,
            pids: [process.pid, gateway.pid],
          },
          [token as string],
        );
        if (load.non2xx > 0 || load.errors > 0)
          throw new Error(`nginx ${index === 0 ? 'alone' : 'with gateway'}: ${load.non2xx} non-2xx, ${load.errors} errors`);
        rates[index]!.push(load.requestsPerSecond);
      }
    }
    const [nginxAlone, nginxWithGateway] = rates.map(median) as [number, number];
    const results: NginxGatewayResults = { nginxAlone, nginxWithGateway, ratio: nginxWithGateway / nginxAlone, rounds: ROUNDS };
    console.log(
      `nginx alone ${Math.round(nginxAlone).toLocaleString('en')} req/s, nginx + gateway (auth_request) ${Math.round(nginxWithGateway).toLocaleString('en')} req/s: ${results.ratio.toFixed(2)}x`,
    );
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./results/nginx-gateway.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    reportToParent(results);
  } finally {
    for (const proxy of proxies) await proxy.stop();
    await gateway.stop();
    await upstream.stop();
    await issuer.close();
  }
}

await main();
