/**
 * The event catalog: every event name the recording API writes, with its level (operations) or
 * its security type and priority. Beside instruments.ts as the second source of truth: LogQL in
 * dashboards, rules and docs is checked against it, and a test proves the API emits nothing else.
 */
import type { SecurityEventType, Severity } from './vocabulary';
import { PRIORITY, type OAuthEventLevel, type Priority } from './api/events';

export interface OperationEventDefinition {
  readonly name: string;
  /** Level on success paths; failure events are `warn`. */
  readonly level: OAuthEventLevel;
  readonly description: string;
}

export interface SecurityEventDefinition {
  readonly name: string;
  readonly type: SecurityEventType;
  readonly severity: Severity;
  readonly priority: Priority;
  readonly description: string;
}

const op = (name: string, level: OAuthEventLevel, description: string): OperationEventDefinition => Object.freeze({ name, level, description });
const sec = (name: string, type: SecurityEventType, severity: Severity, description: string): SecurityEventDefinition =>
  Object.freeze({ name, type, severity, priority: PRIORITY[severity], description });

export const OPERATION_EVENTS: readonly OperationEventDefinition[] = Object.freeze([
  op('oauth_flow_initiated', 'info', 'flowStarted(): an authorization flow started.'),
  op('oauth_flow_success', 'info', 'flowCompleted() with outcome success.'),
  op('oauth_flow_failure', 'warn', 'flowCompleted() with outcome failure (reason, error).'),
  op('oauth_discovery_success', 'info', 'discoveryCompleted() success.'),
  op('oauth_discovery_failure', 'warn', 'discoveryCompleted() failure.'),
  op('oauth_dynamic_registration_success', 'info', 'clientRegistered() success (RFC 7591).'),
  op('oauth_dynamic_registration_failure', 'warn', 'clientRegistered() failure.'),
  op('token_refresh_success', 'info', 'tokenRefreshed() success.'),
  op('token_refresh_failure', 'warn', 'tokenRefreshed() failure.'),
  op('token_rotation_complete', 'info', 'tokenRotated(): the refresh token was rotated.'),
  op('oauth_tokens_revoked', 'info', 'tokensRevoked() (warn for reuse_detected and security).'),
  op('token_endpoint_error', 'warn', 'tokenEndpointError(): a non-2xx token endpoint response.'),
  op('pkce_state_created', 'debug', 'pkceStateCreated().'),
  op('pkce_validation_success', 'debug', 'pkceStateValidated() with reason valid.'),
  op('pkce_validation_failure', 'warn', 'pkceStateValidated() failures that are not security events (not_found, missing_state, other).'),
  op('pkce_cleanup_completed', 'info', 'pkceStatesCleaned().'),
  op('scheduled_refresh_completed', 'info', 'scheduledRefreshCompleted() (warn when a token failed).'),
  op('scheduled_token_refresh_failed', 'warn', 'scheduledRefreshError().'),
  // ---- added: authorization server (oauth-otel/oidc-provider) ----
  op('oauth_server_token_issued', 'debug', 'AS adapter: grant.success, a successful token response (grant_type).'),
  op('oauth_server_client_registered', 'info', 'AS adapter: registration_create.success (RFC 7591).'),
  op('oauth_server_grant_revoked', 'info', 'AS adapter: grant.revoked (reason; warn for refresh_token_reuse and code_replay).'),
  op('oauth_server_error', 'warn', 'AS adapter: an endpoint error response (endpoint, error, reason); error level for server_error.'),
]);

export const SECURITY_EVENTS: readonly SecurityEventDefinition[] = Object.freeze([
  sec('oauth_refresh_token_reuse_detected', 'token_reuse', 'critical', 'A refresh token was used again (replay or a benign race).'),
  sec('oauth_code_injection_attempt', 'code_injection', 'critical', 'A callback carried a code for a flow this user did not start.'),
  sec('pkce_state_user_mismatch', 'code_injection', 'critical', 'The callback state belongs to another user.'),
  sec('oauth_integrity_violation', 'integrity_violation', 'high', 'State integrity failed (violation_type).'),
  sec('pkce_state_integrity_violation', 'integrity_violation', 'high', 'The state HMAC did not verify.'),
  sec('oauth_ownership_violation', 'ownership_violation', 'high', 'A caller acted on a resource it does not own.'),
  sec('pkce_replay_detected', 'pkce_replay', 'high', 'A PKCE state was presented twice.'),
  sec('oauth_issuer_mismatch', 'issuer_mismatch', 'high', 'Mix-up defence: iss or metadata issuer did not match.'),
  sec('oauth_pkce_downgrade_detected', 'pkce_downgrade', 'high', 'S256 not offered or not used.'),
  sec('oauth_authorization_code_replay_detected', 'code_replay', 'high', 'An authorization code was redeemed twice (AS).'),
  sec('oauth_redirect_uri_mismatch', 'redirect_uri_mismatch', 'medium', 'redirect_uri mismatch at the token endpoint (AS).'),
  sec('oauth_client_mismatch', 'client_mismatch', 'medium', 'A code was redeemed by another client (AS).'),
  sec('oauth_pkce_verification_failed', 'pkce_verification_failed', 'medium', 'code_verifier did not match the challenge (AS).'),
  sec('pkce_state_expired', 'state_expired', 'low', 'The callback state had expired.'),
]);

export const EVENT_NAMES: readonly string[] = Object.freeze([...OPERATION_EVENTS.map((e) => e.name), ...SECURITY_EVENTS.map((e) => e.name)]);
