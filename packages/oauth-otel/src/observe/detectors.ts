import { pkceDowngradeDetected, recordSecurityEvent } from '../api/security';
import { emit, eventsWanted } from '../api/events';
import { provider } from '../api/common';
import { EVENTS } from '../catalog/events';
import { ATTR_OAUTH_PROVIDER, ATTR_OAUTH_REGISTRATION_ROUTE } from '../catalog/attributes';
import type { RegistrationRoute } from '../catalog/vocabularies';
import { createHash } from 'node:crypto';
import { BoundedMap } from './bounded';
import { fingerprint } from '../internal/fingerprint';
import { scopeSet } from './scope';
import { StepUps } from './step-up';

export { STEP_UP_RETRY_LIMIT } from './step-up';

/**
 * What traffic alone can show about a client's grants and its authorization servers. State is
 * keyed by keyed fingerprints (never tokens) and issuers, and every map is bounded.
 */

const TOKENS_CAP = 10_000;
const ISSUERS_CAP = 256;
/** invalid_grant answers from one issuer within this window that make a loop. */
const LOOP_WINDOW_MS = 5 * 60_000;
const LOOP_THRESHOLD = 3;

/** The original grant a refresh token descends from: what later refreshes are compared with. */
interface Grant {
  issuer: string;
  resource: string | undefined;
  scopes: ReadonlySet<string> | undefined;
}

/** Capabilities of an AS as its metadata states them; a change that removes one is drift. */
export interface Capabilities {
  s256: boolean;
  issParameter: boolean;
  registration: boolean;
}

export class Detectors {
  /** Fingerprint of a refresh token this process presented and saw rotated → when. */
  readonly rotated = new BoundedMap<string, number>(TOKENS_CAP);
  /** Fingerprint of a live refresh token → its original grant. */
  private readonly grants = new BoundedMap<string, Grant>(TOKENS_CAP);
  /** Issuer → times of recent invalid_grant answers (at most LOOP_THRESHOLD kept). */
  private readonly invalidGrants = new BoundedMap<string, number[]>(ISSUERS_CAP);
  private readonly capabilities = new BoundedMap<string, Capabilities>(ISSUERS_CAP);
  /** Fingerprint of a client_id → the issuer it was registered at or first used with. */
  private readonly clients = new BoundedMap<string, string>(TOKENS_CAP);
  /** Fingerprints of client_ids this process saw issued by a dynamic registration. */
  private readonly dcrClients = new BoundedMap<string, true>(TOKENS_CAP);
  /** Issuers the one-time DCR deprecation warning was written for. */
  private readonly dcrWarned = new BoundedMap<string, true>(ISSUERS_CAP);
  /** Step-up challenges and what was granted (step-up.ts). */
  readonly stepUps = new StepUps();
  /** S256 code_challenge of an authorization request this process redirected to → issuer and resource. */
  private readonly authorizations = new BoundedMap<string, { issuer: string; resource: string | undefined }>(TOKENS_CAP);

  /** A registration at `issuer` returned this client_id: the credentials belong to that issuer. */
  registered(issuer: string, clientId: string | undefined): void {
    if (clientId === undefined || clientId === '') return;
    const key = fingerprint(clientId);
    this.clients.set(key, issuer);
    this.dcrClients.set(key, true);
    // MCP authorization 2026-07-28 deprecates DCR for Client ID Metadata Documents: say so once.
    if (this.dcrWarned.has(issuer)) return;
    this.dcrWarned.set(issuer, true);
    if (eventsWanted(EVENTS.dcrDeprecated.level)) {
      emit(EVENTS.dcrDeprecated, { [ATTR_OAUTH_PROVIDER]: provider(issuer), [ATTR_OAUTH_REGISTRATION_ROUTE]: 'dcr' });
    }
  }

  /**
   * How a client got the client_id it presents: an https URL is a Client ID Metadata Document,
   * an id this process saw registered is DCR, anything else was configured out of band.
   */
  routeOf(clientId: string | undefined): RegistrationRoute | undefined {
    if (clientId === undefined || clientId === '') return undefined;
    if (clientId.startsWith('https://')) return 'cimd';
    return this.dcrClients.has(fingerprint(clientId)) ? 'dcr' : 'pre_registered';
  }

  /**
   * A token request presented `clientId` to `issuer`. Credentials registered at (or first used
   * with) another issuer are issuer-keyed credentials reused after the AS changed. A client_id
   * that is an https URL is a Client ID Metadata Document, valid at every issuer by design.
   */
  clientUsed(issuer: string, clientId: string | undefined): void {
    if (clientId === undefined || clientId === '' || clientId.startsWith('https://')) return;
    const key = fingerprint(clientId);
    const bound = this.clients.get(key);
    if (bound === undefined) this.clients.set(key, issuer);
    else if (bound !== issuer) {
      recordSecurityEvent(EVENTS.credentialIssuerMismatch, { provider: issuer, clientId, reason: 'client_bound_elsewhere' });
    }
  }

  /** A code exchange succeeded: remember what was granted, under the new refresh token. */
  granted(issuer: string, refreshFp: string | undefined, resource: string | undefined, scope: string | undefined): void {
    this.stepUps.granted(issuer, scope);
    if (refreshFp === undefined) return;
    this.grants.set(refreshFp, { issuer, resource, scopes: scope === undefined ? undefined : scopeSet(scope) });
  }

  /** A refresh succeeded: compare with the original grant, then carry it over to the new token. */
  refreshed(issuer: string, oldFp: string | undefined, newFp: string | undefined, resource: string | undefined, scope: string | undefined): void {
    this.stepUps.granted(issuer, scope);
    if (oldFp === undefined) return;
    if (newFp !== undefined && newFp !== oldFp) this.rotated.set(oldFp, Date.now());
    const grant = this.grants.get(oldFp);
    if (grant === undefined) return;
    let drift: 'resource' | 'scope' | undefined;
    if (resource !== undefined && grant.resource !== undefined && resource !== grant.resource) drift = 'resource';
    else if (scope !== undefined && grant.scopes !== undefined) {
      for (const s of scopeSet(scope)) if (!grant.scopes.has(s)) drift = 'scope';
    }
    if (drift !== undefined) {
      recordSecurityEvent(EVENTS.grantDrift, { provider: issuer, tokenFingerprint: oldFp, reason: `${drift}_drift` });
    }
    if (newFp !== undefined && newFp !== oldFp) {
      this.grants.delete(oldFp);
      this.grants.set(newFp, grant);
    }
  }

  /** An invalid_grant answer; a third one from the same issuer within 5 minutes is a loop. */
  invalidGrant(issuer: string): void {
    const now = Date.now();
    const recent = (this.invalidGrants.get(issuer) ?? []).filter((t) => now - t < LOOP_WINDOW_MS);
    recent.push(now);
    if (recent.length >= LOOP_THRESHOLD) {
      recordSecurityEvent(EVENTS.reauthorizationLoop, { provider: issuer, reason: 'invalid_grant_loop' });
      this.invalidGrants.set(issuer, []);
    } else {
      this.invalidGrants.set(issuer, recent);
    }
  }

  /** AS metadata observed: report a capability the previous document had and this one lacks. */
  metadata(issuer: string, now: Capabilities): void {
    const before = this.capabilities.get(issuer);
    this.capabilities.set(issuer, now);
    if (before === undefined) return;
    if (before.s256 && !now.s256) pkceDowngradeDetected({ provider: issuer, reason: 'metadata_s256_removed' });
    if (before.issParameter && !now.issParameter) {
      recordSecurityEvent(EVENTS.asCapabilityDrift, { provider: issuer, reason: 'iss_parameter_removed' });
    }
    if (before.registration && !now.registration) {
      recordSecurityEvent(EVENTS.asCapabilityDrift, { provider: issuer, reason: 'registration_removed' });
    }
  }

  /** An authorization request left this process (a redirect): remember what resource it asked for. */
  authorizationRequested(issuer: string, challenge: string | undefined, resource: string | undefined): void {
    if (challenge === undefined || challenge.length < 43 || challenge.length > 128) return;
    this.authorizations.set(challenge, { issuer, resource });
  }

  /**
   * A code exchange: find its authorization request by the verifier's S256 challenge (RFC 7636
   * §4.2) and compare the `resource` both named (RFC 8707; MCP requires the same canonical one).
   * Returns the authorization request's resource, which the grant keeps when the exchange omits it.
   */
  codeExchanged(issuer: string, verifier: string | undefined, resource: string | undefined): string | undefined {
    if (verifier === undefined || verifier.length < 43 || verifier.length > 128 || this.authorizations.size === 0) return undefined;
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const auth = this.authorizations.get(challenge);
    if (auth === undefined) return undefined;
    this.authorizations.delete(challenge);
    if (auth.resource !== undefined && resource !== undefined && auth.resource !== resource) {
      recordSecurityEvent(EVENTS.grantDrift, { provider: issuer, reason: 'authorization_resource_drift' });
    } else if (auth.resource !== undefined && resource === undefined) {
      recordSecurityEvent(EVENTS.grantDrift, { provider: issuer, reason: 'authorization_resource_omitted' });
    }
    return auth.resource;
  }

  /** RFC 9728 metadata of a protected resource named its authorization server. */
  resourceMetadata(origin: string, issuer: string | undefined): void {
    this.stepUps.resourceMetadata(origin, issuer);
  }

  /** A 403 insufficient_scope from a protected resource (step-up.ts). */
  stepUp(origin: string, path: string, scope: string | undefined): void {
    this.stepUps.challenge(origin, path, scope);
  }
}
