#!/usr/bin/env node
// `pnpm lint`, part: the README blocks marked runnable are run, each in its own Node process, so an example that
// stops working fails lint (check-readme-snippets.mjs typechecks every block; this runs the ones marked). Needs a
// build first (the blocks import the packages' dist/, as users do).
//
// A block is run when its info string starts with `run`: ```ts run [verify] [authenticated] [alg=ES256] [encrypted]
// [redis] [METHOD /path ANON/TOKEN ...] (GitHub shows only the language). Mark a block when it can run on loopback alone; one that needs a remote service
// (a real identity provider, a token exchange, a SPIFFE bundle) stays typecheck-only, and the README is never made
// less useful to a reader to make a block runnable. What the harness (readme-snippet-harness.mjs) does:
//
// - The block runs as written, except that https://idp.example.com becomes a local @authgate/testing issuer
//   (http://127.0.0.1:PORT/, with discovery, JWKS and introspection) and port 3000 a free port: the README's
//   placeholders, made real. A comment line of NAME=value pairs (`// AUTHGATE_ISSUER=...`) is the block's
//   environment. The names the prose provides are real values: `token` (from the local issuer: user-1 with the
//   scopes, roles and claims the examples ask for, CLAIMS in the harness), `issuer`, `audience` (orders-api),
//   `jwksUri`, `options`, and per README `app` (a bare Express or Fastify app), `jwtAuth`, `handler`,
//   `privateEncryptionJwk`, the testing README's `issuer` (a TestIssuer) and `oldKid`.
// - It passes when its process exits 0 within 20 s: the block throws on nothing, and closes what it opens (a block
//   that leaves a server or timer behind hangs and fails). `console.log(...); // text` lines must print that text.
// - `verify`: then `verifier.verify(token)` must resolve to user-1's identity (the block's own `verifier`).
// - `authenticated`: the README's `app` already has the adapter installed (blocks that add guards to it).
// - `alg=ES256`, `encrypted`: the token is signed ES256, or encrypted to `privateEncryptionJwk` (for blocks that
//   configure only that).
// - `redis`: a redis-server of its own (Debian's, as the tests use) stands for redis://127.0.0.1:6379.
// - `GET /orders 401/200`: then the harness listens with the block's `app` (unless the block did) and requests
//   GET /orders without a token and with `token`: the two statuses expected (a 401 must carry its challenge). After
//   these requests the process exits, servers and all.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contextOf, readmeFiles, readmeName, readmeSlug, root, tsBlocks } from './readme-blocks.mjs';

const ts = createRequire(import.meta.url)('typescript');

// Arguments limit the run to the READMEs whose path contains one of them (`node scripts/run-readme-snippets.mjs core`).
const only = process.argv.slice(2);
// Inside test/, whose node_modules hold every @authgate package, express, fastify and jose.
const out = join(root, 'test', '.readme-snippets', 'run');
const harness = pathToFileURL(join(root, 'scripts', 'readme-snippet-harness.mjs')).href;
const TIMEOUT_MS = 20_000;
// The machine is shared (2 cores); blocks are mostly waiting on sockets, so two at a time is enough.
const CONCURRENCY = 2;
const REMOTE_IDP = 'https://idp.example.com';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
// Secrets the examples read from the environment (the local issuer accepts INTROSPECTION_SECRET for orders-api).
const ENV = {
  INTROSPECTION_SECRET: 'readme-introspection-secret',
  ORDERS_API_SECRET: 'readme-hs256-secret-at-least-32-bytes-long',
};

/** The marker's words after `run`, checked: a misspelled word must not quietly weaken a check. */
function parseMarker(words, where) {
  const spec = { verify: false, authenticated: false, encrypted: false, redis: false, alg: 'RS256', requests: [] };
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i];
    if (word === 'verify' || word === 'authenticated' || word === 'encrypted' || word === 'redis') spec[word] = true;
    else if (word === 'alg=RS256' || word === 'alg=ES256') spec.alg = word.slice(4);
    else if (METHODS.has(word)) {
      const [path, statuses] = [words[i + 1], words[i + 2]];
      const expected = statuses?.match(/^(\d{3})\/(\d{3})$/);
      if (!path?.startsWith('/') || !expected) throw new Error(`${where}: "${word}" must be followed by a path and ANON/TOKEN statuses`);
      spec.requests.push({ method: word, path, anonymous: Number(expected[1]), withToken: Number(expected[2]) });
      i += 2;
    } else throw new Error(`${where}: unknown word "${word}" in the run marker (see scripts/run-readme-snippets.mjs)`);
  }
  return spec;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the block's own (Debian's, as the tests use): a free loopback port, no persistence. */
function startRedis(port) {
  return new Promise((resolve, reject) => {
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    const collect = (chunk) => {
      log += chunk;
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve(server);
    };
    server.stdout.on('data', collect);
    server.stderr.on('data', collect);
    server.once('error', (error) => reject(new Error(`redis-server did not start (${error.code}); install it as the tests need it`)));
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log.trim()}`)));
  });
}

/** The block with its placeholders made real, as JavaScript, ending in the harness's checks. */
function runCopy(code, { issuerPort, appPort, redisPort }, where) {
  const local = code
    .replaceAll(REMOTE_IDP, `http://127.0.0.1:${issuerPort}`)
    .replaceAll(LOCAL_REDIS, `redis://127.0.0.1:${redisPort}`)
    .replace(/\b3000\b/g, String(appPort));
  const env = {};
  for (const [, pairs] of local.matchAll(/^[ \t]*\/\/[ \t]*((?:[A-Z][A-Z0-9_]*=\S+[ \t]*)+)$/gm)) {
    for (const pair of pairs.trim().split(/\s+/)) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  const expectedOutput = [...local.matchAll(/console\.log\(.*\);[ \t]*\/\/ ?(.*?)[ \t]*$/gm)].map((m) => m[1]);
  const javascript = ts.transpileModule(local, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    fileName: 'block.ts',
  }).outputText;
  const source = [
    `// ${where}, as scripts/run-readme-snippets.mjs runs it`,
    javascript,
    'await globalThis.__readmeRun.check({',
    "  app: typeof app === 'undefined' ? undefined : app,",
    "  verifier: typeof verifier === 'undefined' ? undefined : verifier,",
    '});',
    '',
  ].join('\n');
  return { source, env, expectedOutput, blockListens: /\.listen\(/.test(code) };
}

/** Runs one file in its own process; resolves to a failure message, or undefined when it passed. */
function runProcess(file, env, expectedOutput) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', harness, file], { cwd: join(file, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const printed = stdout.trimEnd().split('\n');
      let failure;
      if (signal === 'SIGKILL') failure = `still running after ${TIMEOUT_MS / 1000} s (hangs, or leaves a server or timer open)`;
      else if (code !== 0) failure = `exited with ${code ?? signal}`;
      else if (expectedOutput.length > 0 && printed.join('\n') !== expectedOutput.join('\n')) {
        failure = `printed\n    ${printed.join('\n    ')}\n  where its comments say\n    ${expectedOutput.join('\n    ')}`;
      }
      resolve(failure === undefined ? undefined : `${failure}\n${output.trimEnd().replace(/^/gm, '  | ')}`);
    });
  });
}

// AUTHGATE_* variables of the calling shell would configure the blocks' adapters; a block names its own.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AUTHGATE_')));

rmSync(out, { recursive: true, force: true });
const failures = [];
const jobs = [];
let typecheckOnly = 0;
const readmesRun = new Set();
for (const readme of readmeFiles().filter((file) => only.length === 0 || only.some((part) => readmeName(file).includes(part)))) {
  for (const { line, words, code } of tsBlocks(readme)) {
    const where = `${readmeName(readme)}:${line}`;
    if (words[0] !== 'run') {
      typecheckOnly += 1;
      continue;
    }
    let spec;
    try {
      spec = parseMarker(words, where);
    } catch (error) {
      failures.push(error.message);
      continue;
    }
    readmesRun.add(readme);
    jobs.push(async () => {
      const ports = { issuerPort: await freePort(), appPort: await freePort(), redisPort: spec.redis ? await freePort() : 6379 };
      const { source, env, expectedOutput, blockListens } = runCopy(code, ports, where);
      const dir = join(out, readmeSlug(readme));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `L${line}.mjs`);
      writeFileSync(file, source);
      const run = { context: contextOf(readme), ...ports, blockListens, ...spec };
      let redis;
      try {
        redis = spec.redis ? await startRedis(ports.redisPort) : undefined;
      } catch (error) {
        return `${where}: ${error.message}`;
      }
      const failure = await runProcess(file, { ...inherited, ...ENV, ...env, README_SNIPPET_RUN: JSON.stringify(run) }, expectedOutput);
      redis?.kill('SIGKILL');
      return failure === undefined ? undefined : `${where} (${file.slice(root.length + 1)}): ${failure}`;
    });
  }
}

const queue = [...jobs];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const failure = await job();
      if (failure !== undefined) failures.push(failure);
    }
  }),
);
if (failures.length > 0) {
  console.log(`FAIL README blocks that run\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(`ok   ${jobs.length} blocks ran (${readmesRun.size} READMEs; ${typecheckOnly} blocks are typecheck-only)`);
