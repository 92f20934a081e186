/**
 * The threat table: every runtime-detectable OAuth threat, the RFC section that rules it out, the
 * events and the metric that signal it, the alerts that page on it and the attack test that
 * fires it against the real example authorization server. docs/threats.md is generated from it
 * (scripts/docs/render.cjs) and test/docs/threats.test.ts checks every name against the catalog,
 * stack/rules and the repository, so a row cannot point at something that does not exist.
 *
 * Ground floor: imports only from other catalog files.
 */
import type { EventKey } from './events';

export interface OAuthThreat {
  /** Short name of the threat, e.g. 'DPoP proof replay'. */
  readonly title: string;
  /** The RFC (or draft) section that rules it out, e.g. 'RFC 9449 §11.1' or 'RFC 9700 §4.14'. */
  readonly reference: string;
  /** Keys of EVENTS in ./events.ts that signal it. */
  readonly events: readonly EventKey[];
  /** The metric name (from ./metrics.ts) its alert reads. */
  readonly metric: string;
  /** Prometheus / Loki alert names in stack/rules. */
  readonly alerts: readonly string[];
  /** Repo-relative path of the attack test or script that fires it against the example AS. */
  readonly demo: string;
}

const ADAPTER_TEST = 'packages/oauth-otel/test/adapters/oidc-provider.test.ts';
const E2E_TEST = 'examples/next-app/test/e2e.test.ts';
const OBSERVER_TEST = 'packages/oauth-otel/test/observe/observer.test.ts';
/** The issue-14 attack scripts; test/adapters/threats.test.ts runs each against the real AS. */
const ATTACKS = 'scripts/attacks';
const DPOP_TEST = 'packages/oauth-otel/test/adapters/dpop-attacks.test.ts';

export const THREATS = {
  // ---- signalled by the manual API and the authorization-server adapter --------------------
  serverRefreshTokenReuse: {
    title: 'Refresh-token replay seen by the authorization server',
    reference: 'RFC 9700 §4.14.2',
    events: ['refreshTokenReuseDetected'],
    metric: 'oauth_server_refresh_token_reuse_total',
    alerts: ['OAuthServerRefreshTokenReuse', 'OAuthLogTokenReuseDetected'],
    demo: ADAPTER_TEST,
  },
  clientRefreshTokenReuse: {
    title: 'Refresh-token replay seen by the client',
    reference: 'RFC 9700 §4.14.2',
    events: ['refreshTokenReuseDetected'],
    metric: 'oauth_token_refresh_total',
    alerts: ['OAuthTokenReuseDetected', 'OAuthLogTokenReuseDetected'],
    demo: E2E_TEST,
  },
  authorizationCodeReplay: {
    title: 'Authorization-code replay',
    reference: 'RFC 9700 §4.2.4, RFC 6749 §4.1.2',
    events: ['authorizationCodeReplayDetected'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthLogSecurityEventP1', 'OAuthSecurityEventRateHigh'],
    demo: ADAPTER_TEST,
  },
  codeInjection: {
    title: 'Authorization-code injection',
    reference: 'RFC 9700 §4.5',
    events: ['codeInjectionAttempt', 'pkceStateUserMismatch'],
    metric: 'oauth_code_injection_attempts_total',
    alerts: ['OAuthCodeInjectionAttempt', 'OAuthLogCodeInjectionAttempt'],
    demo: E2E_TEST,
  },
  pkce: {
    title: 'PKCE downgrade and verification failures',
    reference: 'RFC 9700 §4.8, RFC 7636 §4.6',
    events: ['pkceDowngradeDetected', 'pkceVerificationFailed'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthLogSecurityEventP1', 'OAuthSecurityEventRateHigh'],
    demo: ADAPTER_TEST,
  },
  stateCsrf: {
    title: 'CSRF: tampered, replayed or expired state',
    reference: 'RFC 9700 §4.7',
    events: ['integrityViolation', 'pkceStateIntegrityViolation', 'pkceReplayDetected', 'pkceStateExpired'],
    metric: 'oauth_integrity_violations_total',
    alerts: ['OAuthIntegrityViolations', 'OAuthLogIntegrityViolation', 'OAuthLogPkceReplayDetected'],
    demo: E2E_TEST,
  },
  mixUp: {
    title: 'Mix-up (issuer mismatch)',
    reference: 'RFC 9700 §4.4, RFC 9207 §2.4',
    events: ['issuerMismatch'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthLogSecurityEventP1', 'OAuthSecurityEventRateHigh'],
    demo: E2E_TEST,
  },
  redirectUriMismatch: {
    title: 'redirect_uri mismatch and client mismatch at the token endpoint',
    reference: 'RFC 9700 §4.1, RFC 6749 §4.1.3',
    events: ['redirectUriMismatch', 'clientMismatch'],
    metric: 'oauth_security_events_total',
    alerts: [],
    demo: ADAPTER_TEST,
  },
  // ---- zero-code: the traffic observer (src/observe) ---------------------------------------
  resourceDrift: {
    title: 'Refresh outside the original grant (resource or scope drift)',
    reference: 'RFC 8707 §2.2, RFC 9700 §4.10',
    events: ['grantDrift'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthAuthorizationServerDrift'],
    demo: OBSERVER_TEST,
  },
  capabilityDrift: {
    title: 'Authorization server dropped a security capability',
    reference: 'RFC 9207 §3, RFC 8414 §2',
    events: ['asCapabilityDrift'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthAuthorizationServerDrift'],
    demo: OBSERVER_TEST,
  },
  credentialIssuerMismatch: {
    title: 'Issuer-keyed client credentials presented to another issuer',
    reference: 'RFC 9700 §4.4',
    events: ['credentialIssuerMismatch'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthAuthorizationServerDrift'],
    demo: OBSERVER_TEST,
  },
  reauthorizationLoop: {
    title: 'invalid_grant / re-authorization loop',
    reference: 'RFC 6749 §5.2',
    events: ['reauthorizationLoop'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthReauthorizationLoop'],
    demo: OBSERVER_TEST,
  },
  // ---- MCP authorization 2026-07-28 (issue 11): the example app's buttons ------------------------
  issuerMissing: {
    title: 'Authorization response without iss (mix-up not ruled out)',
    reference: 'RFC 9207 §2.4',
    events: ['issuerMissing'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthIssuerMissing'],
    demo: E2E_TEST,
  },
  stepUpLoop: {
    title: 'Step-up authorization loop (403 insufficient_scope past the retry limit)',
    reference: 'RFC 6750 §3.1',
    events: ['stepUpLoop'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthStepUpLoop'],
    demo: E2E_TEST,
  },
  // ---- issue 14: the observer, the adapter and the manual API -------------------------------
  tokenInUrl: {
    title: 'Access token or other secret in a URL',
    reference: 'RFC 9700 §4.3.2, RFC 6750 §2.3',
    events: ['tokenInUrl'],
    metric: 'oauth_token_in_url_total',
    alerts: ['OAuthTokenInUrl'],
    demo: `${ATTACKS}/token-in-url.mjs`,
  },
  resourceMetadataSpoofing: {
    title: 'Protected-resource metadata spoofing',
    reference: 'RFC 9728 §3.3',
    events: ['resourceMetadataSpoofing'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthResourceMetadataSpoofing'],
    demo: `${ATTACKS}/resource-metadata-spoofing.mjs`,
  },
  registrationAbuse: {
    title: 'Dynamic client registration abuse (bursts, suspicious redirect URIs, abandoned clients)',
    reference: 'RFC 7591 §5, RFC 9700 §4.1',
    events: ['registrationRateExceeded', 'registrationSuspiciousRedirect', 'registrationAbandoned'],
    metric: 'oauth_server_registration_anomalies_total',
    alerts: ['OAuthServerRegistrationAbuse', 'OAuthServerRegistrationRateHigh'],
    demo: `${ATTACKS}/registration-abuse.mjs`,
  },
  audienceInjection: {
    title: 'Audience injection (client assertion aud is not the issuer)',
    reference: 'draft-ietf-oauth-security-topics-update (audience injection), RFC 7523 §3',
    events: ['audienceInjection'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthServerAudienceInjection'],
    demo: `${ATTACKS}/audience-injection.mjs`,
  },
  connectionContextMismatch: {
    title: 'Cross-tool account takeover / session fixation across users',
    reference: 'draft-ietf-oauth-security-topics-update (cross-tool account takeover)',
    events: ['connectionContextMismatch'],
    metric: 'oauth_security_events_total',
    alerts: ['OAuthConnectionContextMismatch', 'OAuthLogConnectionContextMismatch'],
    demo: `${ATTACKS}/connection-context.mjs`,
  },
  // ---- sender-constrained tokens (DPoP, RFC 9449): the adapter and dpopRejected() ------------
  dpopProofReplay: {
    title: 'DPoP proof replay',
    reference: 'RFC 9449 §11.1',
    events: ['dpopProofReplay'],
    metric: 'oauth_dpop_failures_total',
    alerts: ['OAuthDpopProofReplay'],
    demo: DPOP_TEST,
  },
  dpopStolenToken: {
    title: 'Stolen DPoP-bound token used without its key',
    reference: 'RFC 9449 §7.2',
    events: ['dpopBoundTokenAsBearer', 'dpopKeyMismatch'],
    metric: 'oauth_dpop_failures_total',
    alerts: ['OAuthDpopBoundTokenWithoutKey'],
    demo: DPOP_TEST,
  },
  dpopProofForgery: {
    title: 'Forged or misdirected DPoP proof (signature, htm, htu, ath, iat)',
    reference: 'RFC 9449 §4.3',
    events: ['dpopProofInvalid'],
    metric: 'oauth_dpop_failures_total',
    alerts: ['OAuthDpopProofFailures'],
    demo: DPOP_TEST,
  },
} as const satisfies Record<string, OAuthThreat>;

export type ThreatKey = keyof typeof THREATS;

/** The threats in table order. */
export const THREAT_DEFINITIONS: readonly (OAuthThreat & { readonly id: string })[] = Object.freeze(
  Object.entries(THREATS).map(([id, t]) => Object.freeze({ id, ...t })),
);
