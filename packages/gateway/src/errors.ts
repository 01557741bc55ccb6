import { AuthConfigError, unknownKeyProblem } from '@authgate/core';

/** A configuration error naming the field at fault, thrown at start-up (never per request). */
export function configError(message: string): never {
  throw new AuthConfigError(`@authgate/gateway: config ${message}`);
}

/** Refuses an unknown key of `value` (at `path`, empty for the top level) with a suggestion, as core does. */
export function rejectUnknownSettings(value: unknown, known: readonly string[], path: string): void {
  const problem = unknownKeyProblem(value, known, path);
  if (problem !== undefined) configError(problem);
}
