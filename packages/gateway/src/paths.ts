/**
 * The path a rule is matched against. A caller who can make the gateway and the service disagree about a path picks
 * the rule, so the path is brought to the one form every common server would route it to:
 * - the query string and fragment are dropped;
 * - every percent-encoded character is decoded (`%2e%2e` is `..`, `%61dmin` is `admin`), except that an encoded
 *   `/` or `\` (`%2F`, `%5C`) is refused: servers disagree on whether it separates segments;
 * - dot segments are resolved (RFC 3986 §5.2.4): `/docs/../admin` and `/docs/%2e%2e/admin` are `/admin`;
 * - empty segments are dropped: `//admin/` is `/admin`.
 * A path that cannot be read (no leading `/`, a backslash, control or non-ASCII characters, broken escapes) is
 * `undefined`, and the request is refused with 400.
 */
export function normalizePath(rawUri: string): string | undefined {
  let end = rawUri.length;
  const query = rawUri.indexOf('?');
  if (query !== -1) end = query;
  const fragment = rawUri.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  const path = rawUri.slice(0, end);
  if (!path.startsWith('/') || !/^[\x21-\x5B\x5D-\x7E]*$/.test(path)) return undefined;
  const output: string[] = [];
  for (const rawSegment of path.split('/')) {
    const segment = decodeSegment(rawSegment);
    if (segment === undefined) return undefined;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') output.pop();
    else output.push(segment);
  }
  return `/${output.join('/')}`;
}

function decodeSegment(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  if (/%(?![0-9A-Fa-f]{2})|%2F|%5C/i.test(segment)) return undefined;
  try {
    const decoded = decodeURIComponent(segment);
    // A decoded control character (NUL, CR, LF...) has no business in a path.
    return /[\x00-\x1F\x7F]/.test(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** A rule's `path`: an exact path, or a prefix ending in `/*` that matches the prefix itself and everything under it. */
export interface PathPattern {
  /** The normalized path (without `/*`). */
  readonly path: string;
  readonly prefix: boolean;
}

/** Parses a rule's path; returns a message saying what is wrong, or the pattern. */
export function parsePathPattern(raw: unknown): PathPattern | string {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return 'must be a string starting with "/"';
  const prefix = raw.endsWith('/*');
  const body = prefix ? raw.slice(0, -2) || '/' : raw;
  if (body.includes('*')) return 'may contain "*" only as a final "/*" (a prefix)';
  if (/[\x00-\x1F\x7F\\%]/.test(body)) return 'must be written decoded, without "%" escapes, backslashes or control characters';
  const segments = body.split('/').slice(1);
  if (body !== '/' && segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'must be in normalized form: no empty segments ("//" or a trailing "/"), no "." or ".." segments';
  }
  return { path: body, prefix };
}

export function matchesPath(pattern: PathPattern, path: string): boolean {
  if (!pattern.prefix) return path === pattern.path;
  if (pattern.path === '/') return true;
  return path === pattern.path || (path.startsWith(pattern.path) && path.charCodeAt(pattern.path.length) === 47); /* / */
}
