import { discoveryCompleted } from '../api/operations';
import { parseBearerChallenge } from './challenge';
import { Detectors } from './detectors';
import { Recorder } from './record';
import { RouteTable } from './routes';
import { SpoofingChecks } from './spoofing';
import { LIMITS, type ResolvedObserve } from './types';

/** The observer's state: which requests are OAuth, what they recorded, what the detectors keep. */
export class Observer {
  readonly routes: RouteTable;
  readonly detectors = new Detectors();
  readonly spoofing = new SpoofingChecks();
  readonly recorder: Recorder;

  constructor(cfg: ResolvedObserve) {
    this.routes = new RouteTable(cfg.issuers);
    this.recorder = new Recorder(this.routes, this.detectors, this.spoofing);
  }

  /** Any outgoing request whose path has a query (`q` is the index of `?`): secrets in it are reported by name. */
  url(origin: string, path: string, q: number): void {
    this.spoofing.url(origin, path, q);
  }

  /**
   * A redirect of the app's server to a learned authorization endpoint: the authorization request.
   * Its S256 challenge (public: it travelled in the front channel) keys the resource it asked for.
   */
  authorizationRedirect(location: string): void {
    // Only PKCE S256 requests are matched later: any other redirect (logins, pages) stops at this indexOf.
    if (location.length > LIMITS.urlLength * 4 || location.indexOf('code_challenge=') === -1) return;
    const u = URL.parse(location);
    if (u === null) return;
    const issuer = this.routes.authorizationIssuer(u);
    if (issuer === undefined) return;
    const q = u.searchParams;
    if (q.get('code_challenge_method') !== 'S256') return;
    this.detectors.authorizationRequested(issuer, q.get('code_challenge') ?? undefined, q.get('resource') ?? undefined);
  }

  /**
   * A 401/403 from any origin: a Bearer challenge naming protected-resource metadata (RFC 9728
   * §5.1) is a discovery by challenge. Other challenges are not discovery and record nothing.
   */
  challenge(origin: string, path: string, header: string, durationMs: number | undefined, status: number): void {
    const c = parseBearerChallenge(header);
    if (c === undefined) return;
    // RFC 6750 §3.1: a 403 insufficient_scope is a step-up challenge, not discovery.
    if (status === 403 && c.error === 'insufficient_scope') return this.detectors.stepUp(origin, path, c.scope);
    if (c.resource_metadata === undefined) return;
    this.spoofing.challenge(origin, c.resource_metadata);
    discoveryCompleted({ method: 'www-authenticate', outcome: 'success', provider: origin, ...(durationMs !== undefined ? { durationMs } : {}) });
  }
}
