import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The built package in a plain Node process, as an application runs it: what lands on stderr by default.
const here = fileURLToPath(new URL('.', import.meta.url));
const run = promisify(execFile);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// 30 requests during an outage, in two bursts more than the first retry backoff apart (so at least two fetches fail).
const SCRIPT = (port: number, extra: string) => `
import { createVerifier } from '@authgate/core';
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const iss = 'http://127.0.0.1:${port}';
const token = b64({ alg: 'RS256', kid: 'k' }) + '.' + b64({ iss, aud: 'api', sub: 'secret-subject', exp: Math.floor(Date.now() / 1000) + 300 }) + '.c2ln';
const verifier = createVerifier({ issuer: iss, audience: 'api', algorithms: ['RS256'], jwksUri: iss + '/jwks' ${extra} });
const answers = [];
for (let burst = 0; burst < 2; burst++) {
  for (let i = 0; i < 15; i++) answers.push(await verifier.verify(token).then(() => 'accepted', (error) => error.status));
  await new Promise((resolve) => setTimeout(resolve, 1300));
}
verifier.close();
console.log(JSON.stringify([...new Set(answers)]));
`;

async function runOutage(extra: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const port = await closedPort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('AUTHGATE_LOG_LEVEL' in env)) delete childEnv.AUTHGATE_LOG_LEVEL;
  return run(process.execPath, ['--input-type=module', '-e', SCRIPT(port, extra)], { cwd: here, env: childEnv });
}

describe('an identity-provider outage with the default logger', () => {
  it('prints one warning to stderr, not one per request', async () => {
    const { stdout, stderr } = await runOutage('');
    expect(JSON.parse(stdout)).toEqual([503]);
    const lines = stderr.trim().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as { level: number; msg: string; name: string; error: string };
    expect(line).toMatchObject({ level: 40, name: 'authgate' });
    expect(line.msg).toContain('fetching the JWKS failed');
    expect(line.error).toContain('ECONNREFUSED');
    expect(stderr).not.toContain('secret-subject');
  });

  it('prints nothing with logger: false, or AUTHGATE_LOG_LEVEL=silent', async () => {
    expect((await runOutage(', logger: false')).stderr).toBe('');
    expect((await runOutage('', { AUTHGATE_LOG_LEVEL: 'silent' })).stderr).toBe('');
  });
});
