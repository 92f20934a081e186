/**
 * The event catalog: every event the recording API and the adapter write, keyed by the name the
 * code uses (`EVENTS.refreshTokenReuseDetected`). Each event is an OTel log record with
 * `EventName` = `eventName` (dotted), a severity number from `level`, and details in attributes;
 * `name` is the flat `event` attribute that existing LogQL filters on. Security events take
 * severity, priority and level from their type (vocabularies.ts), never from this table, and
 * carry `security_rule.*` (OWASP Logging Vocabulary id, RFC reference).
 *
 * LogQL in dashboards, rules and docs is checked against this table, and a test proves the API
 * emits nothing else.
 */
import {
  PRIORITY,
  SECURITY_EVENT_SEVERITY,
  SECURITY_LEVEL,
  type OAuthEventLevel,
  type Priority,
  type SecurityEventType,
  type SecurityRule,
  type Severity,
} from './vocabularies';

export interface SecurityRuleDefinition {
  readonly type: SecurityEventType;
  readonly severity: Severity;
  readonly priority: Priority;
  /** `security_rule.name`: the OWASP Logging Vocabulary id. */
  readonly rule: SecurityRule;
  /** `security_rule.reference`: the RFC section the check implements. */
  readonly reference: string;
}

export interface EventDefinition {
  /** Flat `event` attribute, unchanged since the seed (users' LogQL). */
  readonly name: string;
  /** OTel `EventName` of the log record: low-cardinality, dotted. */
  readonly eventName: string;
  /** Level on the usual path (operation failures are `warn`; security events derive it). */
  readonly level: OAuthEventLevel;
  /** Log body. */
  readonly message: string;
  readonly description: string;
  readonly security?: SecurityRuleDefinition;
}

export interface OperationEventDefinition extends EventDefinition {
  readonly security?: undefined;
}

export interface SecurityEventDefinition extends EventDefinition {
  readonly security: SecurityRuleDefinition;
  /** Same as `security.type` (kept flat for the docs and the stack tests). */
  readonly type: SecurityEventType;
  readonly severity: Severity;
  readonly priority: Priority;
}

const op = (name: string, eventName: string, level: OAuthEventLevel, message: string, description: string): OperationEventDefinition =>
  Object.freeze({ name, eventName, level, message, description });

const DRAFT_SECURITY_TOPICS_UPDATE = 'https://datatracker.ietf.org/doc/draft-ietf-oauth-security-topics-update/';

const RFC = (rfc: number, section: string) => `https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}`;

/** Severity, priority and level come from the type: the one place they are decided. */
const sec = (
  name: string,
  eventName: string,
  type: SecurityEventType,
  rule: SecurityRule,
  reference: string,
  message: string,
  description: string,
): SecurityEventDefinition => {
  const severity = SECURITY_EVENT_SEVERITY[type];
  const priority = PRIORITY[severity];
  const security = Object.freeze({ type, severity, priority, rule, reference });
  return Object.freeze({ name, eventName, level: SECURITY_LEVEL[severity], message, description, security, type, severity, priority });
};

export const EVENTS = Object.freeze({
  // ---- operations ------------------------------------------------------------------------
  flowInitiated: op('oauth_flow_initiated', 'oauth.flow.initiated', 'info', 'OAuth authorization flow started', 'flowStarted(): an authorization flow started.'),
  flowSuccess: op('oauth_flow_success', 'oauth.flow.success', 'info', 'OAuth authorization flow completed', 'flowCompleted() with outcome success.'),
  flowFailure: op('oauth_flow_failure', 'oauth.flow.failure', 'warn', 'OAuth authorization flow failed', 'flowCompleted() with outcome failure (reason, error).'),
  discoverySuccess: op('oauth_discovery_success', 'oauth.discovery.success', 'info', 'OAuth metadata discovered', 'discoveryCompleted() success.'),
  discoveryFailure: op('oauth_discovery_failure', 'oauth.discovery.failure', 'warn', 'OAuth metadata discovery failed', 'discoveryCompleted() failure.'),
  registrationSuccess: op('oauth_dynamic_registration_success', 'oauth.registration.success', 'info', 'OAuth client registered', 'clientRegistered() success (RFC 7591).'),
  registrationFailure: op('oauth_dynamic_registration_failure', 'oauth.registration.failure', 'warn', 'OAuth client registration failed', 'clientRegistered() failure.'),
  tokenRefreshSuccess: op('token_refresh_success', 'oauth.token.refresh.success', 'info', 'OAuth token refreshed', 'tokenRefreshed() success.'),
  tokenRefreshFailure: op('token_refresh_failure', 'oauth.token.refresh.failure', 'warn', 'OAuth token refresh failed', 'tokenRefreshed() failure.'),
  tokenRotated: op('token_rotation_complete', 'oauth.token.rotated', 'info', 'Refresh token rotated', 'tokenRotated(): the refresh token was rotated.'),
  tokensRevoked: op('oauth_tokens_revoked', 'oauth.token.revoked', 'info', 'OAuth tokens revoked', 'tokensRevoked() (warn for reuse_detected and security).'),
  tokenEndpointError: op('token_endpoint_error', 'oauth.token_endpoint.error', 'warn', 'Token endpoint returned an error', 'tokenEndpointError(): a non-2xx token endpoint response.'),
  pkceStateCreated: op('pkce_state_created', 'oauth.pkce.state.created', 'debug', 'PKCE state created', 'pkceStateCreated().'),
  pkceValidationSuccess: op('pkce_validation_success', 'oauth.pkce.validation.success', 'debug', 'PKCE state validated', 'pkceStateValidated() with reason valid.'),
  pkceValidationFailure: op('pkce_validation_failure', 'oauth.pkce.validation.failure', 'warn', 'PKCE state validation failed', 'pkceStateValidated() failures that are not security events (not_found, missing_state, other).'),
  pkceCleanupCompleted: op('pkce_cleanup_completed', 'oauth.pkce.cleanup.completed', 'info', 'PKCE states cleaned up', 'pkceStatesCleaned().'),
  scheduledRefreshCompleted: op('scheduled_refresh_completed', 'oauth.scheduled_refresh.completed', 'info', 'Scheduled token refresh run completed', 'scheduledRefreshCompleted() (warn when a token failed).'),
  scheduledRefreshFailed: op('scheduled_token_refresh_failed', 'oauth.scheduled_refresh.failed', 'warn', 'Scheduled refresh of a token failed', 'scheduledRefreshError().'),
  dcrDeprecated: op('oauth_dynamic_registration_deprecated', 'oauth.registration.dcr_deprecated', 'warn', 'Client still uses dynamic client registration', 'Once per issuer and process: a client registered with DCR (RFC 7591), which the MCP authorization spec 2026-07-28 deprecates for Client ID Metadata Documents.'),
  // ---- authorization server (oauth-otel/oidc-provider) -------------------------------------
  serverTokenIssued: op('oauth_server_token_issued', 'oauth.server.token.issued', 'debug', 'Token issued', 'AS adapter: grant.success, a successful token response (grant_type).'),
  serverClientRegistered: op('oauth_server_client_registered', 'oauth.server.client.registered', 'info', 'OAuth client registered', 'AS adapter: registration_create.success (RFC 7591).'),
  serverGrantRevoked: op('oauth_server_grant_revoked', 'oauth.server.grant.revoked', 'info', 'Grant revoked', 'AS adapter: grant.revoked (reason; warn for refresh_token_reuse and code_replay).'),
  serverError: op('oauth_server_error', 'oauth.server.error', 'warn', 'Authorization server error response', 'AS adapter: an endpoint error response (endpoint, error, reason); error level for server_error.'),
  // ---- security ----------------------------------------------------------------------------
  refreshTokenReuseDetected: sec('oauth_refresh_token_reuse_detected', 'oauth.security.refresh_token.reuse_detected', 'token_reuse', 'authn_token_reuse', RFC(9700, '4.14.2'), 'Refresh token reuse detected', 'A refresh token was used again (replay or a benign race).'),
  codeInjectionAttempt: sec('oauth_code_injection_attempt', 'oauth.security.authorization_code.injection', 'code_injection', 'sequence_fail', RFC(9700, '4.5'), 'Authorization code injection attempt', 'A callback carried a code for a flow this user did not start.'),
  pkceStateUserMismatch: sec('pkce_state_user_mismatch', 'oauth.security.pkce_state.user_mismatch', 'code_injection', 'sequence_fail', RFC(9700, '4.5'), 'PKCE state belongs to another user (code injection)', 'The callback state belongs to another user.'),
  integrityViolation: sec('oauth_integrity_violation', 'oauth.security.state.integrity_violation', 'integrity_violation', 'sequence_fail', RFC(9700, '4.7'), 'OAuth integrity violation', 'State integrity failed (violation_type).'),
  pkceStateIntegrityViolation: sec('pkce_state_integrity_violation', 'oauth.security.pkce_state.integrity_violation', 'integrity_violation', 'sequence_fail', RFC(9700, '4.7'), 'PKCE state integrity check failed', 'The state HMAC did not verify.'),
  ownershipViolation: sec('oauth_ownership_violation', 'oauth.security.ownership_violation', 'ownership_violation', 'authz_fail', RFC(6749, '7'), 'OAuth ownership violation', 'A caller acted on a resource it does not own.'),
  pkceReplayDetected: sec('pkce_replay_detected', 'oauth.security.pkce_state.replay', 'pkce_replay', 'sequence_fail', RFC(9700, '4.7.1'), 'PKCE state replay detected', 'A PKCE state was presented twice.'),
  issuerMismatch: sec('oauth_issuer_mismatch', 'oauth.security.issuer_mismatch', 'issuer_mismatch', 'sequence_fail', RFC(9700, '4.4'), 'Issuer mismatch (possible mix-up attack)', 'Mix-up defence: iss or metadata issuer did not match.'),
  pkceDowngradeDetected: sec('oauth_pkce_downgrade_detected', 'oauth.security.pkce.downgrade', 'pkce_downgrade', 'sequence_fail', RFC(9700, '4.8'), 'PKCE downgrade detected', 'S256 not offered or not used.'),
  authorizationCodeReplayDetected: sec('oauth_authorization_code_replay_detected', 'oauth.security.authorization_code.replay', 'code_replay', 'authn_token_reuse', RFC(6749, '4.1.2'), 'Authorization code replay detected', 'An authorization code was redeemed twice (AS).'),
  redirectUriMismatch: sec('oauth_redirect_uri_mismatch', 'oauth.security.redirect_uri_mismatch', 'redirect_uri_mismatch', 'authn_fail', RFC(6749, '4.1.3'), 'redirect_uri mismatch', 'redirect_uri mismatch at the token endpoint (AS).'),
  clientMismatch: sec('oauth_client_mismatch', 'oauth.security.client_mismatch', 'client_mismatch', 'authn_fail', RFC(6749, '4.1.3'), 'Client mismatch at the token endpoint', 'A code was redeemed by another client (AS).'),
  pkceVerificationFailed: sec('oauth_pkce_verification_failed', 'oauth.security.pkce.verification_failed', 'pkce_verification_failed', 'authn_fail', RFC(7636, '4.6'), 'PKCE verification failed', 'code_verifier did not match the challenge (AS).'),
  pkceStateExpired: sec('pkce_state_expired', 'oauth.security.pkce_state.expired', 'state_expired', 'session_use_after_expire', RFC(9700, '4.7.1'), 'PKCE state expired', 'The callback state had expired.'),
  // ---- traffic observer (observe/) --------------------------------------------------------
  grantDrift: sec('oauth_grant_drift', 'oauth.security.grant.drift', 'grant_drift', 'sequence_fail', RFC(8707, '2.2'), 'Refresh outside the original grant', 'Observed traffic: a refresh asked for another resource, or was granted scopes, outside the original grant; or a code exchange named another resource than its authorization request (or none).'),
  asCapabilityDrift: sec('oauth_as_capability_drift', 'oauth.security.authorization_server.capability_drift', 'as_capability_drift', 'sequence_fail', RFC(9207, '3'), 'Authorization server dropped a security capability', 'Observed traffic: AS metadata changed and dropped a security capability (iss parameter, registration route).'),
  credentialIssuerMismatch: sec('oauth_credential_issuer_mismatch', 'oauth.security.client.issuer_mismatch', 'credential_issuer_mismatch', 'authn_fail', RFC(9700, '4.4'), 'Client credentials of one issuer presented to another', "Observed traffic: a client_id registered at (or first used with) one issuer was presented to another issuer's token endpoint."),
  reauthorizationLoop: sec('oauth_reauthorization_loop', 'oauth.security.reauthorization_loop', 'reauthorization_loop', 'authn_fail', RFC(6749, '5.2'), 'invalid_grant loop', 'Observed traffic: repeated invalid_grant answers from one issuer within minutes (refresh / re-authorization loop).'),
  // ---- added: issue 14 ---------------------------------------------------------------------
  tokenInUrl: sec('oauth_token_in_url', 'oauth.security.token_in_url', 'token_in_url', 'input_validation_fail', RFC(9700, '4.3.2'), 'Token or secret in a request URL', 'A request URL carried a token or other secret as a query parameter (observer: outgoing request; adapter: a request the AS received). Only the parameter name is reported.'),
  resourceMetadataSpoofing: sec('oauth_resource_metadata_spoofing', 'oauth.security.resource_metadata.spoofing', 'resource_metadata_spoofing', 'sequence_fail', RFC(9728, '3.3'), 'Protected-resource metadata does not match the resource', 'Observed traffic: RFC 9728 metadata whose resource differs from the URL asked for, whose authorization_servers changed, or a challenge whose resource_metadata is on another origin.'),
  registrationRateExceeded: sec('oauth_registration_rate_exceeded', 'oauth.security.registration.rate_exceeded', 'registration_abuse', 'excess_rate_limit_exceeded', RFC(7591, '5'), 'Dynamic client registration burst from one source', 'AS adapter: one source registered more clients within the window than the policy allows.'),
  registrationSuspiciousRedirect: sec('oauth_registration_suspicious_redirect_uri', 'oauth.security.registration.suspicious_redirect_uri', 'registration_abuse', 'input_validation_fail', RFC(9700, '4.1'), 'Client registered with a suspicious redirect URI', 'AS adapter: a registered redirect URI is not HTTPS or has an IP-literal host, against the configured policy.'),
  registrationAbandoned: sec('oauth_registration_abandoned', 'oauth.security.registration.abandoned', 'registration_abuse', 'sequence_fail', RFC(7591, '5'), 'Registered client never completed a flow', 'AS adapter: a client registered and obtained no token within the configured time.'),
  audienceInjection: sec('oauth_audience_injection', 'oauth.security.client_assertion.audience_injection', 'audience_injection', 'authn_fail', RFC(7523, '3'), 'Client assertion audience is not the issuer', "AS adapter: a private_key_jwt / client_secret_jwt assertion whose aud is not exactly the issuer (draft-ietf-oauth-security-topics-update, audience injection)."),
  connectionContextMismatch: sec('oauth_connection_context_mismatch', 'oauth.security.connection.context_mismatch', 'connection_context_mismatch', 'sequence_fail', DRAFT_SECURITY_TOPICS_UPDATE, 'Callback completes another connection', 'connectionContextMismatch(): a callback whose per-connection context (user, tool, server) differs from the connection it completes (cross-tool account takeover, session fixation across users).'),
  // ---- sender-constrained tokens (DPoP, RFC 9449) -------------------------------------------
  dpopProofInvalid: sec('oauth_dpop_proof_invalid', 'oauth.security.dpop.proof_invalid', 'dpop_proof_invalid', 'authn_fail', RFC(9449, '4.3'), 'DPoP proof rejected', 'A DPoP proof did not verify: signature, typ/alg, htm, htu, ath or iat (oauth.reason is the check).'),
  dpopProofReplay: sec('oauth_dpop_proof_replay', 'oauth.security.dpop.proof_replay', 'dpop_proof_replay', 'authn_token_reuse', RFC(9449, '11.1'), 'DPoP proof replayed', 'A DPoP proof whose jti was already seen was presented again.'),
  dpopKeyMismatch: sec('oauth_dpop_key_mismatch', 'oauth.security.dpop.key_mismatch', 'dpop_key_mismatch', 'authn_fail', RFC(9449, '6.1'), 'DPoP proof key does not match the token binding', "A DPoP-bound token was presented with a proof signed by another key than its cnf.jkt."),
  dpopBoundTokenAsBearer: sec('oauth_dpop_bound_token_as_bearer', 'oauth.security.dpop.token_as_bearer', 'dpop_token_as_bearer', 'authz_fail', RFC(9449, '7.2'), 'DPoP-bound token presented without a proof', 'A DPoP-bound token was presented as a plain Bearer token, without a proof (a stolen token used without its key).'),
  // ---- MCP authorization 2026-07-28 ------------------------------------------------------
  issuerMissing: sec('oauth_issuer_missing', 'oauth.security.issuer_missing', 'issuer_missing', 'sequence_fail', RFC(9207, '2.4'), 'Authorization response without iss (possible mix-up attack)', 'checkAuthorizationResponse(): the authorization response carried no iss although the issuer must send it (RFC 9207, required by MCP 2026-07-28).'),
  stepUpLoop: sec('oauth_step_up_loop', 'oauth.security.step_up_loop', 'step_up_loop', 'authz_fail', RFC(6750, '3.1'), 'Step-up authorization loop', 'Observed traffic: a protected resource kept answering 403 insufficient_scope past the retry limit (reason: union_not_granted or granted_still_refused).'),
});

export type EventKey = keyof typeof EVENTS;

const all: readonly EventDefinition[] = Object.values(EVENTS);

export const OPERATION_EVENTS: readonly OperationEventDefinition[] = Object.freeze(all.filter((e): e is OperationEventDefinition => e.security === undefined));

/** Security events, most severe first. */
export const SECURITY_EVENTS: readonly SecurityEventDefinition[] = Object.freeze(
  all.filter((e): e is SecurityEventDefinition => e.security !== undefined).sort((a, b) => a.priority.localeCompare(b.priority)),
);

/** Every flat `event` name. */
export const EVENT_NAMES: readonly string[] = Object.freeze([...OPERATION_EVENTS.map((e) => e.name), ...SECURITY_EVENTS.map((e) => e.name)]);

/** Flat `event` name → OTel EventName, for translating queries and tests. */
export const EVENT_NAME_BY_FLAT: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(all.map((e) => [e.name, e.eventName])));
