/**
 * One instance of the propagation bench: a Redis revocation list that reports, for each jti the parent announces,
 * the wall-clock moment its mirror first refuses it. Polls every millisecond while it waits (what a request would see).
 */
import { createRedisRevocationList } from '@authgate/redis';

const list = createRedisRevocationList({ redis: process.env.REDIS_URL as string, keyPrefix: 'bench:' });
await list.ready(30);
process.send?.({ type: 'ready' });
process.on('message', (message: { type: 'expect'; jti: string } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    void list.close().then(() => process.exit(0));
    return;
  }
  const poll = (): void => {
    if (list.isRevoked({ jti: message.jti })) process.send?.({ type: 'seen', jti: message.jti, at: performance.timeOrigin + performance.now() });
    else setTimeout(poll, 1);
  };
  poll();
});
