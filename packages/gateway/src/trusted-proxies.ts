import { BlockList, isIP } from 'node:net';
import { configError } from './errors.js';

export const DEFAULT_TRUSTED_PROXIES: readonly string[] = ['127.0.0.0/8', '::1'];

/**
 * The peers allowed to ask for decisions. Their `X-Forwarded-Uri` / `X-Original-URI` pick the rule a request is
 * judged by, so a decision asked by anyone else is refused. Returns the membership test for a socket address.
 */
export function trustedProxies(entries: unknown = DEFAULT_TRUSTED_PROXIES): (address: string | undefined) => boolean {
  if (!Array.isArray(entries)) configError('trustedProxies must be a list of IP addresses or CIDR ranges, e.g. ["10.0.0.0/8", "::1"]');
  const list = new BlockList();
  entries.forEach((entry: unknown, index) => {
    const at = `trustedProxies[${index}]`;
    if (typeof entry !== 'string') configError(`${at} must be a string`);
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) configError(`${at} ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address, type);
      return;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) configError(`${at} ${JSON.stringify(entry)} has an invalid prefix length`);
    list.addSubnet(address, prefix, type);
  });
  return (address) => {
    if (address === undefined) return false;
    // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
    const v4 = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : undefined;
    if (v4 !== undefined) return list.check(v4, 'ipv4');
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}
