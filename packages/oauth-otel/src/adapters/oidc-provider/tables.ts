/**
 * What oidc-provider 9's events mean, as data: which endpoint an error event stands for, which
 * route a `server_error` came from, and the closed reason of each internal `error_detail`.
 * Observed on 9.13.3 (examples/auth-server/EVENTS.md).
 */
import type { DpopCheck, ServerEndpoint } from '../../catalog/vocabularies';

/** Endpoint error events (`(ctx, err)`) and the endpoint each stands for. */
export const ERROR_EVENTS: Readonly<Record<string, ServerEndpoint>> = Object.freeze({
  'authorization.error': 'authorization',
  'grant.error': 'token',
  'registration_create.error': 'registration',
  'registration_read.error': 'registration',
  'registration_update.error': 'registration',
  'registration_delete.error': 'registration',
  'revocation.error': 'revocation',
  'introspection.error': 'introspection',
  'userinfo.error': 'userinfo',
  'pushed_authorization_request.error': 'pushed_authorization_request',
  'device_authorization.error': 'device_authorization',
  'code_verification.error': 'device_verification',
  'device_resume.error': 'device_verification',
  'backchannel_authentication.error': 'backchannel_authentication',
  'end_session.error': 'end_session',
  'end_session_confirm.error': 'end_session',
  'end_session_success.error': 'end_session',
  'jwks.error': 'jwks',
  'discovery.error': 'discovery',
  'credential.error': 'credential',
  'openid_credential_issuer.error': 'credential',
  'challenge.error': 'other',
});

/** `ctx.oidc.route` → endpoint, for `server_error` (which has no endpoint in its name). */
export const ROUTE_ENDPOINT: Readonly<Record<string, ServerEndpoint>> = Object.freeze({
  authorization: 'authorization',
  resume: 'authorization',
  token: 'token',
  registration: 'registration',
  client: 'registration',
  client_update: 'registration',
  client_delete: 'registration',
  revocation: 'revocation',
  introspection: 'introspection',
  userinfo: 'userinfo',
  pushed_authorization_request: 'pushed_authorization_request',
  device_authorization: 'device_authorization',
  code_verification: 'device_verification',
  device_resume: 'device_verification',
  backchannel_authentication: 'backchannel_authentication',
  end_session: 'end_session',
  end_session_confirm: 'end_session',
  end_session_success: 'end_session',
  jwks: 'jwks',
  discovery: 'discovery',
  credential: 'credential',
  openid_credential_issuer: 'credential',
});

/**
 * `err.error_detail` (oidc-provider's internal reason, never sent to the client) → the closed
 * `oauth.reason` of the `oauth_server_error` log record. Anything else is logged without a reason.
 */
export const DETAIL_REASON: Readonly<Record<string, string>> = Object.freeze({
  'refresh token already used': 'refresh_token_reuse',
  'authorization code already consumed': 'code_replay',
  'code_verifier does not match code_challenge': 'pkce_mismatch',
  'code_verifier must be provided': 'pkce_missing_verifier',
  'unsupported code_challenge_method': 'pkce_unsupported_method',
  'authorization code redirect_uri mismatch': 'redirect_uri_mismatch',
  'client mismatch': 'client_mismatch',
  'refresh token not found': 'refresh_token_not_found',
  'refresh token is expired': 'refresh_token_expired',
  'authorization code not found': 'code_not_found',
  'authorization code is expired': 'code_expired',
  'grant not found': 'grant_not_found',
  'grant is expired': 'grant_expired',
  'accountId mismatch': 'account_mismatch',
  'invalid secret provided': 'invalid_client_secret',
  'client not found': 'client_not_found',
  'failed x5t#S256 verification': 'sender_constraint_failed',
  'failed jkt verification': 'sender_constraint_failed',
  'missing DPoP proof JWT': 'sender_constraint_failed',
  'DPoP proof key thumbprint does not match dpop_jkt': 'sender_constraint_failed',
  'DPoP proof JWT Replay detected': 'dpop_proof_replay',
  'DPoP proof JWT not provided': 'sender_constraint_failed',
});

/**
 * DPoP (RFC 9449) refusals, by `error_detail` of `invalid_grant` (token endpoint) and
 * `invalid_token` (userinfo). `failed jkt verification` is a key mismatch when the request carried
 * a proof and a bound token used as a Bearer token when it did not (the adapter reads only whether
 * the `DPoP` header is present, never its value).
 */
export const DPOP_DETAIL_CHECK: Readonly<Record<string, DpopCheck | 'jkt'>> = Object.freeze({
  'DPoP proof JWT Replay detected': 'proof_replay',
  'failed jkt verification': 'jkt',
  'DPoP proof key thumbprint does not match dpop_jkt': 'key_mismatch',
  'DPoP proof JWT not provided': 'proof_missing',
});

/** `error_description` of `invalid_dpop_proof` (exposed, so stable text; lib/helpers/validate_dpop.js). */
export const DPOP_DESCRIPTION_CHECK: Readonly<Record<string, DpopCheck>> = Object.freeze({
  'DPoP proof htm mismatch': 'htm_mismatch',
  'DPoP proof htu mismatch': 'htu_mismatch',
  'DPoP proof ath mismatch': 'ath_mismatch',
  'DPoP proof iat is not recent enough': 'stale_proof',
});

/** `error_description` of the authorization endpoint's PKCE refusals (exposed, so stable text). */
export const PKCE_MISSING_CHALLENGE = 'Authorization Server policy requires PKCE to be used for this request';
export const PKCE_UNSUPPORTED_METHOD = 'not supported value of code_challenge_method';
