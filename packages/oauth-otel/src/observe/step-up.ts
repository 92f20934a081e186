import { recordSecurityEvent } from '../api/security';
import { metrics, provider } from '../api/common';
import { EVENTS } from '../catalog/events';
import { BoundedMap } from './bounded';
import { SCOPES_CAP, scopeSet } from './scope';

/**
 * Step-up authorization (RFC 6750 §3.1, MCP authorization): a protected resource answers 403
 * `insufficient_scope` with the scopes it needs; the client re-authorizes for the union of what it
 * holds and what was asked. State is per resource URL and per issuer, bounded.
 */

/**
 * Step-up retries a client may make for one protected resource (MCP authorization: clients limit
 * step-up retries); the challenge after the last allowed retry, within the window, is a loop.
 */
export const STEP_UP_RETRY_LIMIT = 3;
const STEP_UP_WINDOW_MS = 10 * 60_000;
const RESOURCES_CAP = 256;
const ISSUERS_CAP = 256;

/** Step-up state of one protected resource (origin + path) within the window. */
interface StepUp {
  /** Times of the insufficient_scope challenges, at most STEP_UP_RETRY_LIMIT + 1 kept. */
  times: number[];
  /** Union of the scopes the challenges asked for: what the client has to re-request. */
  union: Set<string>;
}

export class StepUps {
  /** Protected resource (origin + path) → its recent step-up challenges. */
  private readonly byResource = new BoundedMap<string, StepUp>(RESOURCES_CAP);
  /** Protected-resource origin → its authorization server (RFC 9728 `authorization_servers[0]`). */
  private readonly resourceIssuer = new BoundedMap<string, string>(RESOURCES_CAP);
  /** Issuer → scopes of its latest token response that named them. */
  private readonly grantedScopes = new BoundedMap<string, ReadonlySet<string>>(ISSUERS_CAP);

  resourceMetadata(origin: string, issuer: string | undefined): void {
    if (issuer !== undefined) this.resourceIssuer.set(origin, issuer);
  }

  /** A token response of `issuer` named its scopes. */
  granted(issuer: string, scope: string | undefined): void {
    if (scope !== undefined) this.grantedScopes.set(issuer, scopeSet(scope));
  }

  /**
   * A 403 insufficient_scope. A step-up that worked stops the challenges; one more challenge than
   * the retry limit from the same resource within the window is a loop. Its reason says whether
   * the authorization server did not grant the union or the resource refused it anyway.
   * (Successes in between do not reset the count: an MCP server answers every JSON-RPC call on
   * one URL, most of them needing no more scope.)
   */
  challenge(origin: string, path: string, scope: string | undefined): void {
    const m = metrics();
    m.add('stepUpChallenges', 1, m.attrs('stepUpChallenges', provider(origin)));
    const now = Date.now();
    const q = path.indexOf('?');
    const key = origin + (q === -1 ? path : path.slice(0, q)).slice(0, 512);
    const state = this.byResource.get(key) ?? { times: [], union: new Set<string>() };
    state.times = state.times.filter((t) => now - t < STEP_UP_WINDOW_MS);
    state.times.push(now);
    if (scope !== undefined) for (const s of scopeSet(scope)) if (state.union.size < SCOPES_CAP) state.union.add(s);
    if (state.times.length > STEP_UP_RETRY_LIMIT) {
      const issuer = this.resourceIssuer.get(origin);
      const granted = issuer === undefined ? undefined : this.grantedScopes.get(issuer);
      const reason = granted === undefined ? 'grant_unknown' : covers(granted, state.union) ? 'granted_still_refused' : 'union_not_granted';
      recordSecurityEvent(EVENTS.stepUpLoop, { provider: issuer ?? origin, reason });
      state.times = [];
    }
    this.byResource.set(key, state);
  }
}

function covers(granted: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean {
  for (const s of wanted) if (!granted.has(s)) return false;
  return true;
}
