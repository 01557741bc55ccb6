import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface ServerEnv {
  issuer: string;
  jwksUri: string;
  audience: string;
  /** The issuer's RFC 7662 endpoint, for the introspection contenders. */
  introspectionEndpoint?: string;
}

export interface RunningServer {
  url: string;
  pid: number;
  /** Starts V8's CPU profiler in the server (after warmup, so the profile holds the measured load only). */
  startProfile(intervalMicros: number): Promise<void>;
  /** Stops it and writes the .cpuprofile to `file`. */
  stopProfile(file: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra node flags. */
  nodeFlags?: string[];
  /** Pin the server to this CPU (taskset). */
  cpu?: number;
  /** Extra environment for the server (e.g. BENCH_POOL=1). */
  env?: Record<string, string>;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** CPU for servers and CPU for the load generator, or undefined when pinning is off or impossible. */
export function pinningPlan(enabled: boolean): { server: number; client: number } | undefined {
  if (!enabled || process.platform !== 'linux' || availableParallelism() < 2) return undefined;
  return { server: 1, client: 0 };
}

/** Pins this process (every thread: autocannon runs here) to one CPU, so a server can have another to itself. */
export function pinThisProcess(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts `servers/<id>.ts` in its own Node process (optionally pinned to one CPU with taskset) and waits for it to
 * report its port over IPC. NODE_ENV=production for every contender: Express and Fastify both change behaviour on it.
 */
export function startServer(id: string, env: ServerEnv, options: StartOptions = {}): Promise<RunningServer> {
  const nodeArgs = [...(options.nodeFlags ?? []), '--import', 'tsx/esm', `servers/${id}.ts`];
  const [command, args] =
    options.cpu === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]];
  const child: ChildProcess = spawn(command, args, {
    cwd: BENCH_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_ISSUER: env.issuer,
      BENCH_JWKS_URI: env.jwksUri,
      BENCH_AUDIENCE: env.audience,
      ...(env.introspectionEndpoint === undefined ? {} : { BENCH_INTROSPECTION_ENDPOINT: env.introspectionEndpoint }),
      ...options.env,
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${id}: no port reported within 20 s`));
    }, 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${id}: exited before listening (code ${code}, signal ${signal})`));
    });
    child.once('message', (message) => {
      clearTimeout(timer);
      const port = (message as { port?: number }).port;
      if (typeof port !== 'number') return reject(new Error(`${id}: unexpected message ${JSON.stringify(message)}`));
      let nextId = 0;
      const request = (command: object): Promise<void> =>
        new Promise<void>((done) => {
          const commandId = ++nextId;
          const onReply = (reply: unknown): void => {
            if ((reply as { id?: number }).id !== commandId) return;
            child.off('message', onReply);
            done();
          };
          child.on('message', onReply);
          child.send({ ...command, id: commandId });
        });
      resolve({
        url: `http://127.0.0.1:${port}`,
        pid: child.pid as number,
        startProfile: (intervalMicros) => request({ profile: 'start', intervalMicros }),
        stopProfile: (file) => request({ profile: 'stop', file }),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.send('stop');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
