export { createRedisRevocationList } from './list.js';
export type { RedisRevocationList, RevocationHealth } from './list.js';
export type { RedisRevocationListOptions, RedisRevocationEvent } from './options.js';
