/**
 * Closed vocabularies: every label value and every closed log-attribute value the package can
 * emit. The recording API maps anything else to `other`, so no caller can mint a new series.
 *
 * Each list is `as const` so the TypeScript unions below are derived from the runtime data.
 * Ground floor: this file imports nothing.
 */

export const OTHER = 'other' as const;

/** Outcome of a finished operation (flows, discovery, registration, PKCE validation, durations). */
export const OUTCOME = ['success', 'failure'] as const;

/** `oauth_token_refresh_total{status}`: a reuse is its own outcome, counted once. */
export const REFRESH_STATUS = ['success', 'failure', 'reuse_detected'] as const;

/** `oauth_token_refresh_total{reason}`. */
export const REFRESH_REASON = [
  'normal',
  'concurrent_success',
  'concurrent_failed',
  'no_refresh_token',
  'no_record',
  'ownership_failed',
  'reuse_detected',
  'endpoint_error',
  'network_error',
  'missing_config',
  'exception',
  OTHER,
] as const;

/** `oauth_token_revocations_total{reason}`. */
export const REVOCATION_REASON = ['reuse_detected', 'manual', 'expired', 'security', OTHER] as const;

/** `oauth_pkce_validations_total{reason}`. `valid` is the only success reason. */
export const PKCE_VALIDATION_REASON = [
  'valid',
  'expired',
  'invalid_hash',
  'not_found',
  'user_mismatch',
  'replayed',
  'missing_state',
  OTHER,
] as const;

/** `oauth_pkce_states_cleaned_total{reason}`. */
export const PKCE_CLEANUP_REASON = ['expired', 'manual', 'server_deleted', OTHER] as const;

/**
 * `oauth_security_events_total{event_type}`. The severity of each type is fixed in
 * `SECURITY_EVENT_SEVERITY`, so the pair never drifts.
 */
export const SECURITY_EVENT_TYPE = [
  'token_reuse',
  'code_injection',
  'integrity_violation',
  'ownership_violation',
  'pkce_replay',
  'pkce_downgrade',
  'issuer_mismatch',
  'state_expired',
  'redirect_uri_mismatch',
  'client_mismatch',
  'code_replay',
  'pkce_verification_failed',
  // ---- added: traffic observer (observe/) ----
  'reauthorization_loop',
  'grant_drift',
  'as_capability_drift',
  'credential_issuer_mismatch',
  // ---- added: issue 14 (observer, adapter, manual API) ----
  'token_in_url',
  'resource_metadata_spoofing',
  'registration_abuse',
  'audience_injection',
  'connection_context_mismatch',
  // ---- added: sender-constrained tokens (DPoP, RFC 9449) ----
  'dpop_proof_invalid',
  'dpop_proof_replay',
  'dpop_key_mismatch',
  'dpop_token_as_bearer',
  // ---- added: MCP authorization 2026-07-28 ----
  'issuer_missing',
  'step_up_loop',
] as const;

/** `oauth_dpop_failures_total{side}`: which end rejected a DPoP (RFC 9449) request. */
export const DPOP_SIDE = ['authorization_server', 'resource_server', OTHER] as const;

/**
 * `oauth_dpop_failures_total{check}`: the RFC 9449 check that failed. `proof_invalid` is a proof
 * that does not verify or is malformed (§4.3 steps 1-8); `stale_proof` an `iat` outside the
 * window; `proof_replay` a `jti` seen before (§11.1); `key_mismatch` a proof signed by another key
 * than the token's `cnf.jkt` (§6.1); `bearer_downgrade` a DPoP-bound token presented without a
 * proof, as a plain Bearer token (§7.2); `proof_missing` a client that must use DPoP sent no
 * proof; `nonce_challenge` a `use_dpop_nonce` answer (§8, §9: normal once, a loop when it repeats).
 */
export const DPOP_CHECK = [
  'proof_invalid',
  'htm_mismatch',
  'htu_mismatch',
  'ath_mismatch',
  'stale_proof',
  'proof_replay',
  'key_mismatch',
  'bearer_downgrade',
  'proof_missing',
  'nonce_challenge',
  OTHER,
] as const;

/** `oauth_security_events_total{severity}`. */
export const SEVERITY = ['low', 'medium', 'high', 'critical'] as const;

/** `oauth_integrity_violations_total{violation_type}`. */
export const VIOLATION_TYPE = ['hash_mismatch', 'state_reuse', 'user_mismatch', OTHER] as const;

/** `oauth_discovery_*{method}`: how the authorization server was found. */
export const DISCOVERY_METHOD = ['rfc9728', 'rfc8414', 'www-authenticate', 'manual', OTHER] as const;

/** `oauth_scheduled_refresh_total{reason}`. */
export const SCHEDULED_REFRESH_REASON = ['normal', 'partial_failure', 'complete_failure', OTHER] as const;

/** `oauth_scheduled_refresh_errors_total{error_type}`. */
export const SCHEDULED_REFRESH_ERROR = [
  'ownership_failed',
  'no_refresh_token',
  'endpoint_error',
  'reuse_detected',
  'exception',
  OTHER,
] as const;

/** `oauth_flow_failures_total{reason}`: why an authorization flow ended without tokens. */
export const FLOW_FAILURE_REASON = [
  'provider_error',
  'missing_code',
  'missing_state',
  'invalid_state',
  'state_expired',
  'issuer_mismatch',
  'pkce_unsupported',
  'discovery_failed',
  'registration_failed',
  'token_exchange_failed',
  'missing_config',
  'exception',
  OTHER,
] as const;

/** Grant types a token endpoint is called with. */
export const GRANT_TYPE = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  OTHER,
] as const;

/**
 * OAuth error codes registered by RFC 6749 §4.1.2.1 / §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2,
 * RFC 7009 §2.2.1, RFC 8628 §3.5, RFC 8707 §2, RFC 9449 §5 and OIDC Core §3.1.2.6. Anything else
 * (vendor codes, free text) is `other`: error text never becomes a label (Keycloak CVE-2026-16100).
 */
export const OAUTH_ERROR_CODE = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'unsupported_token_type',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'invalid_target',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'interaction_required',
  'login_required',
  'consent_required',
  'account_selection_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
  /** A failure that carried no OAuth error code (e.g. the client refused a PKCE downgrade). */
  'none',
  OTHER,
] as const;

/**
 * `oauth_flow_registration_routes_total{route}`: how the client that completed a flow got its
 * client_id (MCP authorization 2026-07-28). `cimd`: the client_id is the https URL of a Client ID
 * Metadata Document; `dcr`: issued by a dynamic registration (RFC 7591, deprecated by MCP);
 * `pre_registered`: configured out of band; `manual`: entered by a user (manual API only: traffic
 * cannot tell it from `pre_registered`).
 */
export const REGISTRATION_ROUTE = ['pre_registered', 'cimd', 'dcr', 'manual', OTHER] as const;

/** `oauth_telemetry_dropped_total{signal}`. */
export const TELEMETRY_SIGNAL = ['metrics', 'logs'] as const;

/** `oauth_telemetry_dropped_total{reason}`: everything the package had to drop or coerce. */
export const TELEMETRY_DROP_REASON = [
  'invalid_value',
  'coerced_label',
  'provider_cap',
  'pre_init_overflow',
  'tracker_cap',
  'queue_full',
  'export_failed',
  'shutdown',
  'timeout',
  'oversize',
] as const;

// ---- added: authorization server (oauth-otel/oidc-provider) ----------------------------------

/** `oauth_server_errors_total{endpoint}`: the authorization-server endpoint that answered with an error. */
export const SERVER_ENDPOINT = [
  'authorization',
  'token',
  'registration',
  'revocation',
  'introspection',
  'userinfo',
  'pushed_authorization_request',
  'device_authorization',
  'device_verification',
  'backchannel_authentication',
  'end_session',
  'jwks',
  'discovery',
  'credential',
  OTHER,
] as const;

/** `oauth_server_client_registrations_total{error}`: `none` on success, else a registered OAuth error code (the same list). */
export const SERVER_REGISTRATION_ERROR = OAUTH_ERROR_CODE;

/**
 * `oauth_server_refresh_token_reuse_total{classification}`: `benign_race` when the same client
 * presented the token again within the race window of its rotation, else `suspected_theft`.
 */
export const REUSE_CLASSIFICATION = ['benign_race', 'suspected_theft'] as const;

/** `oauth_server_grant_revocations_total{reason}`: why the authorization server revoked a grant (token family). */
export const GRANT_REVOCATION_REASON = ['refresh_token_reuse', 'code_replay', 'revocation_endpoint', OTHER] as const;

// ---- added: issue 14 ----------------------------------------------------------------------------

/** `oauth_token_in_url_total{side}`: who saw the URL (the client's outgoing request, or the AS). */
export const TOKEN_IN_URL_SIDE = ['client', 'server'] as const;

/**
 * `oauth_token_in_url_total{parameter}`: the secret query parameter, by name. Any other name the
 * redaction classifier calls secret is `other`; the value is never read.
 */
export const TOKEN_IN_URL_PARAMETER = [
  'access_token',
  'refresh_token',
  'id_token',
  'code_verifier',
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'api_key',
  OTHER,
] as const;

/** `oauth_server_registration_anomalies_total{reason}`: what the DCR abuse detectors saw. */
export const REGISTRATION_ANOMALY = ['rate_exceeded', 'insecure_redirect_uri', 'ip_literal_redirect_uri', 'abandoned'] as const;

/** `oauth_server_client_registrations_by_source_total{source}`: the class of the registering address, never the address. */
export const REGISTRATION_SOURCE = ['loopback', 'private', 'public', 'unknown'] as const;

export type TokenInUrlSide = (typeof TOKEN_IN_URL_SIDE)[number];
export type TokenInUrlParameter = (typeof TOKEN_IN_URL_PARAMETER)[number];
export type RegistrationAnomaly = (typeof REGISTRATION_ANOMALY)[number];
export type RegistrationSource = (typeof REGISTRATION_SOURCE)[number];

export type Outcome = (typeof OUTCOME)[number];
export type RefreshStatus = (typeof REFRESH_STATUS)[number];
export type RefreshReason = (typeof REFRESH_REASON)[number];
export type RevocationReason = (typeof REVOCATION_REASON)[number];
export type PkceValidationReason = (typeof PKCE_VALIDATION_REASON)[number];
export type PkceCleanupReason = (typeof PKCE_CLEANUP_REASON)[number];
export type SecurityEventType = (typeof SECURITY_EVENT_TYPE)[number];
export type DpopSide = (typeof DPOP_SIDE)[number];
export type DpopCheck = (typeof DPOP_CHECK)[number];
export type Severity = (typeof SEVERITY)[number];
export type ViolationType = (typeof VIOLATION_TYPE)[number];
export type DiscoveryMethod = (typeof DISCOVERY_METHOD)[number];
export type ScheduledRefreshReason = (typeof SCHEDULED_REFRESH_REASON)[number];
export type ScheduledRefreshError = (typeof SCHEDULED_REFRESH_ERROR)[number];
export type FlowFailureReason = (typeof FLOW_FAILURE_REASON)[number];
export type GrantType = (typeof GRANT_TYPE)[number];
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODE)[number];
export type RegistrationRoute = (typeof REGISTRATION_ROUTE)[number];
export type TelemetrySignal = (typeof TELEMETRY_SIGNAL)[number];
export type TelemetryDropReason = (typeof TELEMETRY_DROP_REASON)[number];
export type ServerEndpoint = (typeof SERVER_ENDPOINT)[number];
export type ServerRegistrationError = (typeof SERVER_REGISTRATION_ERROR)[number];
export type ReuseClassification = (typeof REUSE_CLASSIFICATION)[number];
export type GrantRevocationReason = (typeof GRANT_REVOCATION_REASON)[number];

/** Log level of an OAuth event (the OTel severity names used by oauth-otel). */
export type OAuthEventLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** OTel SeverityNumber of each level name (logs data model): the record's severity number. */
export const LEVEL_SEVERITY_NUMBER = Object.freeze({ trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const);

/** Priority of a security event, fixed by its severity. */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

/**
 * Fixed severity per security event type (P0 = critical, P1 = high). The one place a severity is
 * decided: priority and level below, the metric label and the event catalog all derive from it.
 */
export const SECURITY_EVENT_SEVERITY: Readonly<Record<SecurityEventType, Severity>> = Object.freeze({
  token_reuse: 'critical',
  code_injection: 'critical',
  integrity_violation: 'high',
  ownership_violation: 'high',
  pkce_replay: 'high',
  pkce_downgrade: 'high',
  issuer_mismatch: 'high',
  code_replay: 'high',
  client_mismatch: 'medium',
  redirect_uri_mismatch: 'medium',
  pkce_verification_failed: 'medium',
  state_expired: 'low',
  grant_drift: 'high',
  as_capability_drift: 'high',
  credential_issuer_mismatch: 'high',
  reauthorization_loop: 'medium',
  token_in_url: 'high',
  resource_metadata_spoofing: 'high',
  registration_abuse: 'medium',
  audience_injection: 'high',
  connection_context_mismatch: 'critical',
  dpop_proof_invalid: 'medium',
  dpop_proof_replay: 'high',
  dpop_key_mismatch: 'high',
  dpop_token_as_bearer: 'high',
  issuer_missing: 'high',
  step_up_loop: 'medium',
});

export const PRIORITY: Readonly<Record<Severity, Priority>> = Object.freeze({
  critical: 'P0',
  high: 'P1',
  medium: 'P2',
  low: 'P3',
});

/** P0 at fatal, P1 at error, P2/P3 at warn: `LOG_LEVEL=warn` never hides a security event. */
export const SECURITY_LEVEL: Readonly<Record<Severity, OAuthEventLevel>> = Object.freeze({
  critical: 'fatal',
  high: 'error',
  medium: 'warn',
  low: 'warn',
});

/**
 * `security_rule.name` of security events: ids of the OWASP Logging Vocabulary
 * (cheatsheets/Logging_Vocabulary_Cheat_Sheet.md), without OWASP's high-cardinality `:args`.
 */
export const SECURITY_RULE = [
  'authn_token_reuse',
  'authn_fail',
  'authz_fail',
  'sequence_fail',
  'session_use_after_expire',
  'input_validation_fail',
  'excess_rate_limit_exceeded',
] as const;
export type SecurityRule = (typeof SECURITY_RULE)[number];

/** `security_rule.ruleset.name` of every security event. */
export const SECURITY_RULESET = 'OWASP Logging Vocabulary' as const;
