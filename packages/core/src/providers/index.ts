import { awsAlb } from './aws-alb.js';

export type { ProviderOptions, InsecureHttpArgument } from './common.js';
export type { AwsAlbArguments } from './aws-alb.js';

/**
 * One function per identity provider, each returning plain `VerifierOptions` to spread; your own fields after it win.
 * Arguments are validated at once (`AuthConfigError` naming the preset and the fix).
 */
export const providers = Object.freeze({ awsAlb });
