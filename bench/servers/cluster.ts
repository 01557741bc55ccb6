// node:cluster around another contender (BENCH_CLUSTER_TARGET, e.g. fastify-authgate): BENCH_CLUSTER_WORKERS
// processes sharing one listening port, for the scaling-with-cores figure. The primary only relays the port.
import cluster, { type Worker } from 'node:cluster';

const target = process.env.BENCH_CLUSTER_TARGET;
const count = Number(process.env.BENCH_CLUSTER_WORKERS ?? '2');
if (target === undefined || !/^[a-z0-9-]+$/.test(target)) throw new Error('BENCH_CLUSTER_TARGET must name a server');

cluster.setupPrimary({ exec: `servers/${target}.ts`, execArgv: ['--import', 'tsx/esm'] });
const workers: Worker[] = [];
const ports = new Set<number>();
let ready = 0;
for (let i = 0; i < count; i += 1) {
  const worker = cluster.fork();
  workers.push(worker);
  worker.on('message', (message: { port?: number }) => {
    if (typeof message?.port !== 'number') return;
    ports.add(message.port);
    ready += 1;
    // Workers listening on port 0 share the primary's one handle: one port for all, or the setup is wrong.
    if (ready === count) {
      if (ports.size !== 1) throw new Error(`cluster workers listen on ${ports.size} ports`);
      process.send?.({ port: message.port });
    }
  });
}
const stop = (): void => {
  for (const worker of workers) worker.kill();
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('SIGTERM', stop);
process.on('disconnect', stop);
