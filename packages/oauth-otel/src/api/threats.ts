/**
 * Recording calls for the threats the traffic observer and the AS adapter detect (issue 14): a
 * secret in a URL, spoofed protected-resource metadata, registration abuse, audience injection.
 * Internal: only src/observe and the adapter call these; the public call for what traffic cannot
 * show (a callback completing another connection) is `connectionContextMismatch` in security.ts.
 */
import { metrics } from './common';
import { recordSecurityEvent, type SecurityContext } from './security';
import { EVENTS } from '../catalog/events';
import { ATTR_OAUTH_ENDPOINT, ATTR_OAUTH_STAGE } from '../catalog/attributes';
import type { RegistrationAnomaly, RegistrationSource, ServerEndpoint, TokenInUrlParameter, TokenInUrlSide } from '../catalog/vocabularies';

export interface TokenInUrlInput extends SecurityContext {
  side: TokenInUrlSide;
  /** Label values from secretQueryParameters(): the names, never the values. */
  parameters: readonly TokenInUrlParameter[];
  /** AS side: the endpoint the request reached. */
  endpoint?: ServerEndpoint;
}

/** One event per request, one count per parameter name. The reason is the first name. */
export function tokenInUrl(a: TokenInUrlInput): void {
  if (a.parameters.length === 0) return;
  const m = metrics();
  for (const p of a.parameters) m.add('tokenInUrl', 1, m.attrs('tokenInUrl', a.side, p));
  recordSecurityEvent(EVENTS.tokenInUrl, { ...a, reason: `${a.parameters[0]}_in_query` }, {
    [ATTR_OAUTH_STAGE]: a.side === 'client' ? 'client_request' : 'server_request',
    ...(a.endpoint !== undefined ? { [ATTR_OAUTH_ENDPOINT]: a.endpoint } : {}),
  });
}

export type ResourceMetadataSpoofingReason = 'resource_mismatch' | 'authorization_servers_changed' | 'cross_origin_resource_metadata';

export function resourceMetadataSpoofing(provider: string, reason: ResourceMetadataSpoofingReason): void {
  recordSecurityEvent(EVENTS.resourceMetadataSpoofing, { provider, reason });
}

/** A registration the AS accepted, by the class of the registering address. */
export function registrationBySource(source: RegistrationSource): void {
  const m = metrics();
  m.add('serverRegistrationsBySource', 1, m.attrs('serverRegistrationsBySource', source));
}

const ANOMALY_EVENT = {
  rate_exceeded: EVENTS.registrationRateExceeded,
  insecure_redirect_uri: EVENTS.registrationSuspiciousRedirect,
  ip_literal_redirect_uri: EVENTS.registrationSuspiciousRedirect,
  abandoned: EVENTS.registrationAbandoned,
} as const satisfies Record<RegistrationAnomaly, unknown>;

export function registrationAnomaly(reason: RegistrationAnomaly, ctx: SecurityContext): void {
  const m = metrics();
  m.add('serverRegistrationAnomalies', 1, m.attrs('serverRegistrationAnomalies', reason));
  recordSecurityEvent(ANOMALY_EVENT[reason], { ...ctx, reason });
}

export type AudienceInjectionReason = 'aud_not_issuer' | 'aud_array' | 'aud_rejected';

export function audienceInjection(reason: AudienceInjectionReason, ctx: SecurityContext): void {
  recordSecurityEvent(EVENTS.audienceInjection, { ...ctx, reason });
}
