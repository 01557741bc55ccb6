import { parseArgs } from 'node:util';
import { cutoffEntry, tokenEntry, type RevocationEntry } from '@authgate/core';
import { keySpace } from './keys.js';
import { connect, DEFAULT_COMMAND_TIMEOUT, DEFAULT_KEY_PREFIX, DEFAULT_MAX_TOKEN_LIFETIME, DEFAULT_RETAIN_PAST_EXPIRY } from './options.js';
import { writeEntry } from './writer.js';

export const USAGE = `Usage: authgate-revoke --redis <url> [--key-prefix <prefix>] [--iss <issuer>] [--unrevoke]
         (--jti <id> --exp <epoch seconds> | --sub <subject> [--before <time>] | --client <client id> [--before <time>])
         [--max-token-lifetime <seconds>] [--timeout <seconds>]

Revokes one token (by jti, until its exp), every token of a subject or of a client issued before a time (epoch
seconds or ISO 8601; default now), for one issuer or (without --iss) every issuer; --unrevoke withdraws the entry.
Every instance sharing the Redis and key prefix refuses the token(s) within moments.
Exit code: 0 when Redis holds the change, 1 when the write failed, 2 for a usage error.`;

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

class UsageError extends Error {}

function time(name: string, value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`--${name} must be epoch seconds or an ISO 8601 time (got ${value})`);
  return parsed / 1000;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a positive number of seconds`);
  return number;
}

function entryFrom(values: Record<string, string | boolean | undefined>): RevocationEntry {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const [jti, sub, client, iss, before] = [str('jti'), str('sub'), str('client'), str('iss'), str('before')];
  const chosen = [jti, sub, client].filter((value) => value !== undefined).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --jti, --sub or --client');
  const scope = iss === undefined ? {} : { iss };
  const cutoff = before === undefined ? {} : { before: time('before', before) };
  const unrevoke = values.unrevoke === true;
  if (jti !== undefined) {
    const exp = str('exp');
    if (exp === undefined && !unrevoke) throw new UsageError("--jti needs --exp (the token's exp, epoch seconds)");
    return tokenEntry('authgate-revoke', { jti, ...(exp === undefined ? {} : { exp: time('exp', exp) }), ...scope } as never, !unrevoke);
  }
  const now = Date.now() / 1000;
  if (sub !== undefined) return cutoffEntry('authgate-revoke', 'subject', { sub, ...cutoff, ...scope }, now);
  return cutoffEntry('authgate-revoke', 'client', { clientId: client as string, ...cutoff, ...scope }, now);
}

/** The CLI without the process: returns the exit code. */
export async function runRevokeCommand(argv: readonly string[], output: CommandOutput): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let entry: RevocationEntry;
  let timeout: number;
  let maxTokenLifetime: number;
  try {
    const strings = ['redis', 'key-prefix', 'jti', 'exp', 'sub', 'client', 'before', 'iss', 'max-token-lifetime', 'timeout'];
    const options: Record<string, { type: 'string' | 'boolean' }> = { unrevoke: { type: 'boolean' }, help: { type: 'boolean' } };
    for (const name of strings) options[name] = { type: 'string' };
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
    if (values.help === true) {
      output.out(USAGE);
      return 0;
    }
    if (typeof values.redis !== 'string' || !/^rediss?:\/\//.test(values.redis)) throw new UsageError('--redis <redis:// URL> is required');
    entry = entryFrom(values);
    timeout = positive('timeout', values.timeout as string | undefined, DEFAULT_COMMAND_TIMEOUT);
    maxTokenLifetime = positive('max-token-lifetime', values['max-token-lifetime'] as string | undefined, DEFAULT_MAX_TOKEN_LIFETIME);
  } catch (error) {
    output.err(`authgate-revoke: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const redis = connect(values.redis as string, timeout);
  redis.on('error', () => {}); // reported through the failed write below
  const op = values.unrevoke === true ? 'remove' : 'add';
  try {
    const keys = keySpace(typeof values['key-prefix'] === 'string' ? values['key-prefix'] : DEFAULT_KEY_PREFIX);
    await writeEntry({ redis, keys, maxTokenLifetime, commandTimeout: timeout, retainPastExpiry: () => DEFAULT_RETAIN_PAST_EXPIRY }, op, entry);
    output.out(
      `${op === 'add' ? 'revoked' : 'unrevoked'} ${entry.kind} ${entry.id}${entry.iss === null ? ' (every issuer)' : ` (issuer ${entry.iss})`}`,
    );
    return 0;
  } catch (error) {
    output.err(`authgate-revoke: ${(error as Error).message}`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
