/** Who runs in the HTTP benchmark. Each id is a file in servers/; `role` says how it enters the ratios. */
export type Framework = 'express' | 'fastify';
/**
 * `reference`: not a verifier (checks the signature and nothing else): what no verifier can beat, for scale.
 * `hook`: not a verifier (one hook or middleware that reads the header): the framework's price for any auth plugin.
 * `edge`: authgate deciding for a proxy (@authgate/gateway), shown beside the in-app adapters, outside the ratios.
 * `introspection`: authgate with the `introspection` option, measured with an opaque token only.
 */
export type Role = 'baseline' | 'authgate' | 'peer' | 'reference' | 'hook' | 'edge' | 'introspection';
export type ContenderMode = 'repeated' | 'distinct' | 'opaque';

export interface Contender {
  id: string;
  framework: Framework;
  label: string;
  role: Role;
  /** Only run with BENCH_EXTRA=1 (beyond the documented configurations). */
  extra?: boolean;
  /** The modes it is measured in. Default: repeated and distinct (the baseline: every mode). */
  measuredIn?: readonly ContenderMode[];
}

/** The modes a contender is measured in. */
export function modesOf(contender: Contender): readonly ContenderMode[] {
  return contender.measuredIn ?? (contender.role === 'baseline' ? ['repeated', 'distinct', 'opaque'] : ['repeated', 'distinct']);
}

export const CONTENDERS: readonly Contender[] = [
  { id: 'express-none', framework: 'express', label: 'no auth', role: 'baseline' },
  { id: 'express-authgate', framework: 'express', label: '@authgate/express', role: 'authgate' },
  { id: 'express-oauth2-jwt-bearer', framework: 'express', label: 'express-oauth2-jwt-bearer', role: 'peer' },
  { id: 'express-aws-jwt-verify', framework: 'express', label: 'aws-jwt-verify (middleware)', role: 'peer' },
  {
    id: 'express-authgate-introspection',
    framework: 'express',
    label: '@authgate/express, introspection',
    role: 'introspection',
    measuredIn: ['opaque'],
  },
  { id: 'express-signature-only', framework: 'express', label: 'signature only (limit)', role: 'reference' },
  { id: 'express-hook-only', framework: 'express', label: 'one middleware, no checks', role: 'hook' },
  { id: 'fastify-none', framework: 'fastify', label: 'no auth', role: 'baseline' },
  { id: 'fastify-authgate', framework: 'fastify', label: '@authgate/fastify', role: 'authgate' },
  { id: 'fastify-jwt-get-jwks', framework: 'fastify', label: '@fastify/jwt + get-jwks', role: 'peer' },
  {
    id: 'fastify-authgate-introspection',
    framework: 'fastify',
    label: '@authgate/fastify, introspection',
    role: 'introspection',
    measuredIn: ['opaque'],
  },
  { id: 'fastify-signature-only', framework: 'fastify', label: 'signature only (limit)', role: 'reference' },
  { id: 'fastify-hook-only', framework: 'fastify', label: 'one hook, no checks', role: 'hook' },
  { id: 'fastify-gateway', framework: 'fastify', label: '@authgate/gateway decisions', role: 'edge' },
  { id: 'fastify-jwt-get-jwks-tuned', framework: 'fastify', label: '@fastify/jwt + get-jwks, tuned', role: 'peer', extra: true },
];
