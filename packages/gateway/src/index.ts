export { createGateway, OPERATIONS_PATHS } from './server.js';
export { loadConfigFile, validateConfig } from './config.js';
export type { GatewayConfig, PresetVerifierConfig, LogLevel } from './config.js';
export type { GatewayRule } from './rules.js';
export { normalizePath } from './paths.js';
export { DEFAULT_TRUSTED_PROXIES } from './trusted-proxies.js';
