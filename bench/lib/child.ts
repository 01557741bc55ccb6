import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a bench script (core.ts, memory.ts) in its own Node process, output shown as it comes, and resolves the one
 * result object it sends over IPC. A fresh process per section: no JIT state, heap or libuv pool load carries over.
 */
export function runChildScript<T>(script: string, nodeFlags: readonly string[] = []): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx/esm', script], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let result: T | undefined;
    child.on('message', (message) => {
      result = message as T;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${script} failed (exit code ${code})`));
    });
  });
}

/** For a child script: hand the result to run.ts when started by it. */
export function reportToParent(result: unknown): void {
  if (process.send !== undefined) process.send(result);
}
