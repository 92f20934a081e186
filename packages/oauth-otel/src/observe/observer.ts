import { discoveryCompleted } from '../api/operations';
import { parseBearerChallenge } from './challenge';
import { Detectors } from './detectors';
import { Recorder } from './record';
import { RouteTable } from './routes';
import { SpoofingChecks } from './spoofing';
import type { ResolvedObserve } from './types';

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
   * A 401/403 from any origin: a Bearer challenge naming protected-resource metadata (RFC 9728
   * §5.1) is a discovery by challenge. Other challenges are not discovery and record nothing.
   */
  challenge(origin: string, header: string, durationMs: number | undefined): void {
    const c = parseBearerChallenge(header);
    if (c?.resource_metadata === undefined) return;
    this.spoofing.challenge(origin, c.resource_metadata);
    discoveryCompleted({ method: 'www-authenticate', outcome: 'success', provider: origin, ...(durationMs !== undefined ? { durationMs } : {}) });
  }
}
