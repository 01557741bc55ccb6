import { AuthConfigError } from '@authgate/core';

/** A configuration error naming the field at fault, thrown at start-up (never per request). */
export function configError(message: string): never {
  throw new AuthConfigError(`@authgate/gateway: config ${message}`);
}
