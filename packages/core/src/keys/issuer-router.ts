import type { NormalizedIssuer } from './issuer-options.js';
import type { KeySource } from './key-source.js';
import { matchesIssuerTemplate, type IssuerTemplate } from '../token/issuer-template.js';

/**
 * Which key source answers for a token's `iss`: an exact issuer first (one map lookup), then the templates in
 * order. Issuers that share their keys (a top-level `jwksUri` / `jwks`, or the same URL) share one source, so the
 * key set is fetched and cached once.
 */
export class IssuerRouter {
  private readonly exact = new Map<string, KeySource>();
  private readonly templates: Array<{ template: IssuerTemplate; source: KeySource }> = [];
  private readonly open: KeySource | undefined;
  /** Every distinct source, once. */
  readonly sources: ReadonlySet<KeySource>;

  /** `shared`: one source serves every issuer (a shared secret, a per-kid key URL). */
  constructor(issuers: readonly NormalizedIssuer[], create: (issuer: NormalizedIssuer, sharedBy: readonly string[]) => KeySource, shared = false) {
    const byKeys = new Map<unknown, NormalizedIssuer[]>();
    for (const entry of issuers) {
      // Discovery is per issuer; explicit keys are shared by whoever names the same set or URL.
      const keysOf = shared ? 'shared' : (entry.jwks ?? entry.jwksUri ?? { discover: entry.issuer });
      const group = byKeys.get(keysOf);
      if (group === undefined) byKeys.set(keysOf, [entry]);
      else group.push(entry);
    }
    const sources = new Set<KeySource>();
    let open: KeySource | undefined;
    for (const group of byKeys.values()) {
      const source = create(
        group[0] as NormalizedIssuer,
        group.map((entry) => entry.issuer ?? '(any)'),
      );
      sources.add(source);
      for (const entry of group) {
        if (entry.issuer === null) open = source;
        else if (entry.template !== undefined) this.templates.push({ template: entry.template, source });
        else this.exact.set(entry.issuer, source);
      }
    }
    this.open = open;
    this.sources = sources;
  }

  sourceFor(iss: string | undefined, payload: Readonly<Record<string, unknown>>): KeySource | undefined {
    if (this.open !== undefined) return this.open;
    if (iss === undefined) return undefined;
    const source = this.exact.get(iss);
    if (source !== undefined || this.templates.length === 0) return source;
    for (const entry of this.templates) if (matchesIssuerTemplate(entry.template, iss, payload)) return entry.source;
    return undefined;
  }
}
