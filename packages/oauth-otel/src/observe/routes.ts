import { LIMITS, type ExchangeKind, type Route } from './types';

/**
 * Which outgoing requests are OAuth: the well-known discovery paths, and the endpoints that
 * observed authorization-server metadata named. A request is classified from its origin and path
 * alone (one Map lookup and one indexOf), so a non-OAuth request costs no parsing at all.
 */

const WELL_KNOWN = '/.well-known/';
const PRM = '/.well-known/oauth-protected-resource';
const AS_8414 = '/.well-known/oauth-authorization-server';
const OIDC = '/.well-known/openid-configuration';

/** Issuer identifier as compared everywhere here: the URL without a trailing slash. */
export function issuerKey(url: string): string {
  return url.length > 1 && url.charCodeAt(url.length - 1) === 47 ? url.slice(0, -1) : url;
}

export class RouteTable {
  /** origin → path → route; both levels capped. */
  private readonly byOrigin = new Map<string, Map<string, Route>>();
  /** Authorization endpoint (origin + path) → its issuer: where a redirect sends a browser. */
  private readonly authorization = new Map<string, string>();

  constructor(private readonly issuers: ReadonlySet<string> | undefined) {}

  /** The route of a request, or undefined for everything that is not a known OAuth exchange. */
  classify(origin: string, rawPath: string): Route | undefined {
    const learned = this.byOrigin.get(origin);
    // Most requests go to origins no metadata named and carry no well-known segment: two lookups.
    if (learned === undefined && rawPath.indexOf(WELL_KNOWN) === -1) return undefined;
    const q = rawPath.indexOf('?');
    const path = q === -1 ? rawPath : rawPath.slice(0, q);
    if (learned !== undefined) {
      const r = learned.get(path);
      if (r !== undefined) return r;
    }
    const wk = path.indexOf(WELL_KNOWN);
    if (wk === -1) return undefined;
    return this.wellKnown(origin, path, wk);
  }

  private wellKnown(origin: string, path: string, at: number): Route | undefined {
    if (at === 0 && startsWithSegment(path, PRM)) return { kind: 'resource_metadata', issuer: '' };
    let issuer: string | undefined;
    // RFC 8414 §3.1: the well-known segment is inserted between host and the issuer's path.
    if (at === 0 && startsWithSegment(path, AS_8414)) issuer = origin + path.slice(AS_8414.length);
    else if (at === 0 && startsWithSegment(path, OIDC)) issuer = origin + path.slice(OIDC.length);
    // OIDC Discovery §4: appended to the issuer's path.
    else if (path.endsWith(OIDC) && path.length === at + OIDC.length) issuer = origin + path.slice(0, at);
    if (issuer === undefined) return undefined;
    issuer = issuerKey(issuer);
    if (!this.allowed(issuer)) return undefined;
    return { kind: 'as_metadata', issuer };
  }

  allowed(issuer: string): boolean {
    return this.issuers === undefined || this.issuers.has(issuerKey(issuer));
  }

  /** Learns the endpoints an issuer's metadata names (only absolute http(s) URLs, bounded). */
  learn(issuer: string, endpoints: Partial<Record<ExchangeKind, string>>): void {
    for (const kind of Object.keys(endpoints) as ExchangeKind[]) {
      const raw = endpoints[kind];
      if (typeof raw !== 'string' || raw.length > LIMITS.urlLength) continue;
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        continue;
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') continue;
      let paths = this.byOrigin.get(u.origin);
      if (paths === undefined) {
        if (this.byOrigin.size >= LIMITS.origins) continue;
        this.byOrigin.set(u.origin, (paths = new Map()));
      }
      if (!paths.has(u.pathname) && paths.size >= LIMITS.routesPerOrigin) continue;
      paths.set(u.pathname, { kind, issuer });
    }
  }

  /** Learns an issuer's authorization endpoint (absolute http(s) URL, bounded like the routes). */
  learnAuthorization(issuer: string, raw: string): void {
    if (raw.length > LIMITS.urlLength) return;
    const u = URL.parse(raw);
    if (u === null || (u.protocol !== 'https:' && u.protocol !== 'http:')) return;
    const key = u.origin + u.pathname;
    if (!this.authorization.has(key) && this.authorization.size >= LIMITS.origins) return;
    this.authorization.set(key, issuer);
  }

  hasAuthorizationEndpoints(): boolean {
    return this.authorization.size !== 0;
  }

  /** The issuer whose authorization endpoint `u` is, if any. */
  authorizationIssuer(u: URL): string | undefined {
    return this.authorization.get(u.origin + u.pathname);
  }

  /** Number of learned routes (tests, bounds). */
  size(): number {
    let n = 0;
    for (const p of this.byOrigin.values()) n += p.size;
    return n;
  }
}

function startsWithSegment(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47);
}
