/** Drives every recording call of the public API once (for schema and exposition checks). */
import * as api from '../../src';

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
  api.codeInjectionAttempt({ provider, flowId: 'flow-c' });
  api.integrityViolation({ violationType: 'hash_mismatch', provider });
  api.ownershipViolation({ provider });
  api.pkceReplayDetected({ provider, flowId: 'flow-a' });
  api.issuerMismatch({ provider, stage: 'metadata' });
  api.pkceDowngradeDetected({ provider });
  api.authorizationCodeReplayDetected({ provider });
  api.redirectUriMismatch({ provider });
  api.clientMismatch({ provider });
  api.pkceVerificationFailed({ provider });
  api.pkceStateValidated({ reason: 'expired', flowId: 'flow-d' });
  api.pkceStateValidated({ reason: 'user_mismatch', flowId: 'flow-e' });
  api.pkceStateValidated({ reason: 'invalid_hash', flowId: 'flow-f' });
}
