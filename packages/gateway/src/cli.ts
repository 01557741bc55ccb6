#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config.js';
import { createGateway } from './server.js';

const USAGE =
  'usage: authgate-gateway --config gateway.json|gateway.yaml [--port 8080] [--host 127.0.0.1]\n' +
  'env: AUTHGATE_GATEWAY_CONFIG, AUTHGATE_GATEWAY_PORT, AUTHGATE_GATEWAY_HOST, AUTHGATE_GATEWAY_LOG_LEVEL (flags win over env)';

function fatal(message: string): never {
  process.stderr.write(`authgate-gateway: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let flags: { config?: string; port?: string; host?: string; help?: boolean };
  try {
    ({ values: flags } = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fatal((error as Error).message);
  }
  if (flags.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const configPath = flags.config ?? env.AUTHGATE_GATEWAY_CONFIG;
  if (configPath === undefined || configPath === '') fatal('--config is required');
  const portText = flags.port ?? env.AUTHGATE_GATEWAY_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) fatal(`--port must be a port number (got ${portText})`);
  const host = flags.host ?? env.AUTHGATE_GATEWAY_HOST ?? '127.0.0.1';

  let gateway;
  try {
    const config = loadConfigFile(configPath);
    if (env.AUTHGATE_GATEWAY_LOG_LEVEL !== undefined && config !== null && typeof config === 'object') {
      config.logLevel = env.AUTHGATE_GATEWAY_LOG_LEVEL as typeof config.logLevel;
    }
    gateway = createGateway(config);
  } catch (error) {
    fatal((error as Error).message);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, 'authgate gateway: shutting down (finishing in-flight decisions)');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const address = await gateway.listen({ port, host });
  // Fastify logs the address too; this line is the one to grep for (and the only one at logLevel error).
  process.stdout.write(`authgate-gateway listening on ${address}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`authgate-gateway: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
