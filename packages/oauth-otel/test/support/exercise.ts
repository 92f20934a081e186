/** Drives every recording call of the public API once (for schema and exposition checks). */
import { EventEmitter } from 'node:events';
import * as api from '../../src';
import { instrumentOidcProvider } from '../../src/adapters/oidc-provider';
import { Detectors } from '../../src/observe/detectors';
import { SpoofingChecks } from '../../src/observe/spoofing';

export function exerciseAll(): void {
  const provider = 'https://as.example.com';
  api.flowStarted({ provider, flowId: 'flow-a' });
  api.pkceStateCreated({ flowId: 'flow-a', provider });
  api.discoveryCompleted({ method: 'rfc9728', outcome: 'success', durationMs: 40, provider });
  api.discoveryCompleted({ method: 'rfc8414', outcome: 'failure', durationMs: 40, provider, error: 'server_error' });
  api.clientRegistered({ outcome: 'success', durationMs: 80, provider });
  api.clientRegistered({ outcome: 'failure', durationMs: 80, provider, error: 'invalid_redirect_uri' });
  api.pkceStateValidated({ reason: 'valid', flowId: 'flow-a', provider });
  api.pkceStateValidated({ reason: 'not_found', flowId: 'flow-b', provider });
  api.flowCompleted({ flowId: 'flow-a', outcome: 'success' });
  api.flowCompleted({ provider, outcome: 'failure', reason: 'token_exchange_failed', error: 'invalid_grant', durationMs: 900 });
  api.tokenRefreshed({ outcome: 'success', durationMs: 30, provider, refreshToken: 'rt-old' });
  api.tokenRefreshed({ outcome: 'failure', reason: 'endpoint_error', error: 'invalid_grant', durationMs: 30, provider });
  api.tokenRotated({ provider, refreshToken: 'rt-new', previousRefreshToken: 'rt-old' });
  api.tokenEndpointError({ provider, grantType: 'client_credentials', error: 'invalid_client', httpStatus: 401 });
  api.tokensRevoked({ reason: 'manual', count: 1, provider });
  api.pkceStatesCleaned({ reason: 'expired', count: 2 });
  api.scheduledRefreshCompleted({ refreshed: 2, failed: 1, durationMs: 500 });
  api.scheduledRefreshError({ errorType: 'endpoint_error', provider, error: 'invalid_grant' });
  api.refreshTokenReuseDetected({ provider, token: 'rt-old', familyRevoked: true, classification: 'suspected_theft', sinceFirstUseMs: 12_000, clientId: 'client-1' });
  api.codeInjectionAttempt({ provider, flowId: 'flow-c', userId: 'user-42@example.com' });
  api.integrityViolation({ violationType: 'hash_mismatch', provider });
  api.ownershipViolation({ provider });
  api.pkceReplayDetected({ provider, flowId: 'flow-a' });
  api.issuerMismatch({ provider, stage: 'metadata' });
  api.pkceDowngradeDetected({ provider });
  api.authorizationCodeReplayDetected({ provider });
  api.redirectUriMismatch({ provider });
  api.clientMismatch({ provider });
  api.pkceVerificationFailed({ provider });
  for (const check of ['htu_mismatch', 'proof_replay', 'key_mismatch', 'bearer_downgrade', 'nonce_challenge'] as const) {
    api.dpopRejected({ provider, side: 'resource_server', check, endpoint: 'resource', token: 'at-stolen' });
  }
  api.checkAuthorizationResponse({ response: 'code=c&state=s', expectedIssuer: provider, provider });
  api.flowCompleted({ provider, outcome: 'success', registrationRoute: 'cimd' });
  api.pkceStateValidated({ reason: 'expired', flowId: 'flow-d' });
  api.pkceStateValidated({ reason: 'user_mismatch', flowId: 'flow-e' });
  api.pkceStateValidated({ reason: 'invalid_hash', flowId: 'flow-f' });
  api.connectionContextMismatch({ provider, userId: 'user-42@example.com', mismatch: 'tool' });
  exerciseObserverDetectors(provider);
}

/** The security events only the traffic observer's detectors write. */
function exerciseObserverDetectors(provider: string): void {
  const d = new Detectors();
  d.granted(provider, 'fp-a', 'https://rs.example/', 'read');
  d.refreshed(provider, 'fp-a', 'fp-b', 'https://other.example/', undefined);
  d.metadata(provider, { s256: true, issParameter: true, registration: true });
  d.metadata(provider, { s256: true, issParameter: false, registration: true });
  for (let i = 0; i < 3; i++) d.invalidGrant(provider);
  d.registered(provider, 'client-1');
  d.clientUsed('https://other-as.example.com', 'client-1');
  const sp = new SpoofingChecks();
  sp.url('https://rs.example', '/mcp?access_token=at-1', 3);
  sp.challenge('https://rs.example', 'https://elsewhere.example/.well-known/oauth-protected-resource');
  sp.metadata('https://rs.example', '/.well-known/oauth-protected-resource/mcp', 'https://other.example/mcp', [provider]);
  for (let i = 0; i <= 3; i++) d.stepUp('https://rs.example', '/mcp', 'read write');
}

/**
 * The authorization-server side through the adapter, with oidc-provider's event shapes on a plain
 * EventEmitter (the real server is exercised in test/adapters/oidc-provider.test.ts).
 */
export function exerciseServer(): void {
  const provider = Object.assign(new EventEmitter(), { issuer: 'https://as.example.com' });
  const { detach } = instrumentOidcProvider(provider as never);
  const token = { oidc: { route: 'token', params: { grant_type: 'refresh_token' }, entities: { RefreshToken: { jti: 'jti-1', consumed: Math.floor(Date.now() / 1000) - 60 } } } };
  provider.emit('grant.success', { oidc: { route: 'token', params: { grant_type: 'authorization_code' } } });
  provider.emit('registration_create.success', { oidc: { route: 'registration' } }, { clientId: 'client-1' });
  // issue 14: a registration with an http redirect URI, a secret in a query, a non-issuer assertion audience
  provider.emit('registration_create.success', { ip: '203.0.113.9', oidc: { route: 'registration' } }, { clientId: 'client-2', redirectUris: ['http://attacker.example/cb'] });
  const assertion = `e30.${Buffer.from(JSON.stringify({ aud: ['https://as.example.com', 'https://x.example'] })).toString('base64url')}.sig`;
  provider.emit('grant.success', { querystring: 'access_token=at-2', oidc: { route: 'token', params: { grant_type: 'client_credentials', client_assertion: assertion } } });
  provider.emit('registration_create.error', { oidc: { route: 'registration' } }, { error: 'invalid_redirect_uri', statusCode: 400 });
  provider.emit('grant.revoked', { oidc: { route: 'revocation' } }, 'grant-1');
  exerciseRegistrationPolicy();
  provider.emit('grant.revoked', token, 'grant-2');
  provider.emit('grant.error', token, { name: 'InvalidGrant', error: 'invalid_grant', error_detail: 'refresh token already used', statusCode: 400 });
  detach();
}

/** The DCR abuse detectors with a tight policy: a burst from one source, an abandoned client. */
function exerciseRegistrationPolicy(): void {
  const provider = new EventEmitter();
  const { detach } = instrumentOidcProvider(provider as never, { registration: { maxPerSource: 1, abandonedAfterMs: 1 } });
  const reg = (id: string) => provider.emit('registration_create.success', { ip: '198.51.100.1', oidc: { route: 'registration' } }, { clientId: id, redirectUris: ['https://198.51.100.1/cb'] });
  reg('client-a');
  const until = Date.now() + 3;
  while (Date.now() < until) {
    /* client-a's time runs out */
  }
  reg('client-b'); // second from the source: rate_exceeded; sweeps client-a: abandoned
  detach();
}
