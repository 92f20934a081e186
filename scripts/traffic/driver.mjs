#!/usr/bin/env node
// Traffic driver: a real process that drives every OAuth operation and security event of the
// oauth-otel API in a loop, for Prometheus (and the collector) to consume in stack tests and
// screenshots. Metrics on 127.0.0.1:$METRICS_PORT/metrics; logs over OTLP to
// $OTEL_EXPORTER_OTLP_LOGS_ENDPOINT when set. Stops on SIGTERM/SIGINT (flushing), or after
// $DRIVER_MAX_SECONDS (default 1800) so it can never run away.
//
// DRIVER_SECURITY_EVENTS=attack-only turns the steady trickle of security events off (client and
// AS side); then SIGUSR1 starts an attack (a refresh-token reuse and an integrity violation on
// every tick) and SIGUSR2 stops it, so a test can see an alert fire and resolve
// (stack/test/alerting.test.ts).
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const o = require('../../packages/oauth-otel/dist/index.js');
const { instrumentOidcProvider } = require('../../packages/oauth-otel/dist/adapters/oidc-provider/index.js');
// The zero-code observer's detectors have no public call (they see traffic, not the app): the driver
// records their security events the way src/observe/detectors.ts does, so every alert query has data.
const { recordSecurityEvent } = require('../../packages/oauth-otel/dist/api/security.js');
const { EVENTS } = require('../../packages/oauth-otel/dist/catalog/index.js');
// Issue 14's observer detectors (a secret in a URL, spoofed resource metadata), likewise.
const { SpoofingChecks } = require('../../packages/oauth-otel/dist/observe/spoofing.js');
const { Detectors } = require('../../packages/oauth-otel/dist/observe/detectors.js');
const observed = new Detectors();

const port = Number(process.env.METRICS_PORT ?? 9464);
const intervalMs = Number(process.env.DRIVER_INTERVAL_MS ?? 100);
const maxSeconds = Number(process.env.DRIVER_MAX_SECONDS ?? 1800);
const providers = ['https://github.com/login/oauth', 'https://auth.linear.app', 'https://mcp.notion.com'];
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const ms = (lo, hi) => lo + Math.random() * (hi - lo);

// Logs always go over OTLP: to the endpoint from the environment when one is set, otherwise to a
// closed local port, so the "collector absent" drop counters have data too.
const otlpConfigured = Boolean(process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const handle = await o.initTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'oauth-traffic',
  environment: process.env.DEPLOYMENT_ENVIRONMENT ?? 'test',
  // A loopback test driver: /metrics opens explicitly (the built-in server is closed without a token).
  metrics: { port, host: '127.0.0.1', allowUnauthenticated: true },
  // A small cap, so the driver also shows what happens past it (provider="other", counted).
  providers: { cap: 3 },
  logs: { stdout: false, level: 'debug', flushOnExit: false, otlp: otlpConfigured ? {} : { endpoint: 'http://127.0.0.1:1/v1/logs', timeoutMillis: 500 } },
});

// The authorization-server side (oauth_server_* metrics and records): the oidc-provider adapter fed
// the events oidc-provider emits, with the arguments it passes (ctx.oidc.route, params, entities).
// Its behaviour against a real oidc-provider is tested in packages/oauth-otel/test/adapters/.
const steadySecurityEvents = process.env.DRIVER_SECURITY_EVENTS !== 'attack-only';
let attack = false;
process.on('SIGUSR1', () => { attack = true; });
process.on('SIGUSR2', () => { attack = false; });

const asEvents = Object.assign(new EventEmitter(), { issuer: 'https://as.example.com' });
// A tight registration policy, so the DCR abuse series have data: registrations without a token
// are abandoned after 2 s (off with attack-only: it would be a steady security event).
instrumentOidcProvider(asEvents, { registration: { maxPerSource: 3, abandonedAfterMs: steadySecurityEvents ? 2000 : 0 } });
const tokenCtx = (grantType, entities) => ({ oidc: { route: 'token', params: { grant_type: grantType }, entities: entities ?? {} } });
function serverTick() {
  asEvents.emit('grant.success', tokenCtx(pick(['authorization_code', 'refresh_token', 'refresh_token', 'client_credentials'])));
  if (n % 4 === 0) asEvents.emit('grant.error', tokenCtx('authorization_code'), { name: 'InvalidGrant', error: 'invalid_grant', error_detail: 'grant request is invalid', statusCode: 400 });
  if (n % 9 === 0) asEvents.emit('grant.error', tokenCtx('client_credentials'), { name: 'InvalidClient', error: 'invalid_client', statusCode: 401 });
  if (n % 15 === 0) asEvents.emit('registration_create.success', { oidc: { route: 'registration' } }, { clientId: `client-${n}` });
  if (n % 21 === 0) asEvents.emit('registration_create.error', { oidc: { route: 'registration' } }, { error: 'invalid_redirect_uri', statusCode: 400 });
  if (n % 27 === 0) asEvents.emit('grant.revoked', { oidc: { route: 'revocation' } }, `grant-${n}`);
  if (steadySecurityEvents && n % 45 === 0) {
    // a burst from one public address, an http redirect URI, a secret in a query, a non-issuer assertion audience
    for (let i = 0; i < 4; i++) asEvents.emit('registration_create.success', { ip: '203.0.113.50', oidc: { route: 'registration' } }, { clientId: `burst-${n}-${i}`, redirectUris: [i === 0 ? 'http://attacker.example/cb' : 'https://198.51.100.7/cb'] });
    asEvents.emit('grant.success', { querystring: 'access_token=at-driver', oidc: { route: 'token', params: { grant_type: 'client_credentials', client_assertion: `e30.${Buffer.from(JSON.stringify({ aud: 'https://as.example.com/token' })).toString('base64url')}.sig` } } });
  }
  if (n % 33 === 0) asEvents.emit('server_error', { oidc: { route: 'token' } }, Object.assign(new Error('storage unavailable'), { error: 'server_error', statusCode: 500 }));
  // refresh-token reuse seen by the AS: a benign race and a suspected theft
  const consumedAgo = n % 2 === 0 ? 1 : 120;
  if (steadySecurityEvents && n % 17 === 0) asEvents.emit('grant.error', tokenCtx('refresh_token', { RefreshToken: { jti: `jti-${n}`, consumed: Math.floor(Date.now() / 1000) - consumedAgo } }), { name: 'InvalidGrant', error: 'invalid_grant', error_detail: 'refresh token already used', statusCode: 400 });
  // DPoP (RFC 9449) refusals as oidc-provider 9 emits them (the adapter reads only whether a DPoP
  // header is present); a nonce challenge is counted but is no security event.
  const dpopCtx = (proof) => ({ ...tokenCtx('refresh_token'), headers: proof ? { dpop: 'a-proof' } : {} });
  const dpopError = (error, description, detail) => ({ name: 'X', error, error_description: description, ...(detail ? { error_detail: detail } : {}), statusCode: 400 });
  if (n % 10 === 0) asEvents.emit('grant.error', dpopCtx(true), dpopError('use_dpop_nonce', 'nonce is required in the DPoP proof'));
  if (steadySecurityEvents) {
    if (n % 14 === 0) asEvents.emit('grant.error', dpopCtx(true), dpopError('invalid_dpop_proof', 'DPoP proof htu mismatch'));
    if (n % 38 === 0) asEvents.emit('grant.error', dpopCtx(true), dpopError('invalid_grant', 'grant request is invalid', 'DPoP proof JWT Replay detected'));
    if (n % 39 === 0) asEvents.emit('grant.error', dpopCtx(false), dpopError('invalid_grant', 'grant request is invalid', 'failed jkt verification'));
    if (n % 46 === 0) asEvents.emit('grant.error', dpopCtx(true), dpopError('invalid_grant', 'grant request is invalid', 'failed jkt verification'));
    // a resource server's own refusals (oauth.dpopRejected)
    if (n % 26 === 0) o.dpopRejected({ side: 'resource_server', check: pick(['proof_invalid', 'ath_mismatch', 'proof_replay', 'bearer_downgrade', 'key_mismatch']), endpoint: 'resource' });
  }
}

let n = 0;
let liveTokens = 0;
const spoofing = new SpoofingChecks();
function tick() {
  n++;
  const provider = pick(providers);
  const flowId = `flow-${n}`;
  if (attack) {
    o.refreshTokenReuseDetected({ provider: providers[0], token: `rt-attack-${n}`, familyRevoked: true, classification: 'suspected_theft' });
    o.integrityViolation({ violationType: 'state_reuse', provider: providers[0] });
  }
  o.flowStarted({ provider, flowId });
  o.pkceStateCreated({ flowId, provider });
  o.discoveryCompleted({ method: pick(['rfc9728', 'rfc8414', 'www-authenticate', 'manual']), outcome: Math.random() < 0.95 ? 'success' : 'failure', durationMs: ms(50, 6000), provider });
  o.clientRegistered({ outcome: Math.random() < 0.95 ? 'success' : 'failure', durationMs: ms(100, 3000), provider, error: 'invalid_client_metadata' });
  if (Math.random() < 0.9) {
    o.pkceStateValidated({ reason: 'valid', flowId, provider });
    // DCR (deprecated by MCP 2026-07-28) is an info alert: steady mode only
    o.flowCompleted({ flowId, outcome: 'success', durationMs: ms(500, 20_000), registrationRoute: pick(steadySecurityEvents ? ['pre_registered', 'cimd', 'dcr', 'manual'] : ['pre_registered', 'cimd']) });
    o.tokenIssued({ tokenId: `tok-${n}`, expiresIn: Math.random() < 0.3 ? 120 : 3600 });
    liveTokens++;
  } else {
    // user_mismatch (code injection), replayed and invalid_hash are security events: steady mode only
    o.pkceStateValidated({ reason: pick(steadySecurityEvents ? ['expired', 'not_found', 'invalid_hash', 'user_mismatch', 'replayed'] : ['expired', 'not_found']), flowId, provider });
    o.flowCompleted({ flowId, outcome: 'failure', reason: pick(['provider_error', 'missing_code', 'state_expired', 'token_exchange_failed']), error: pick(['access_denied', 'invalid_grant']), durationMs: ms(200, 8000) });
  }
  const refreshOk = Math.random() < 0.92;
  o.tokenRefreshed(refreshOk
    ? { outcome: 'success', reason: pick(['normal', 'normal', 'concurrent_success']), durationMs: ms(50, 3000), provider }
    : { outcome: 'failure', reason: pick(['endpoint_error', 'no_refresh_token', 'ownership_failed', 'network_error']), error: 'invalid_grant', durationMs: ms(50, 7000), provider });
  if (n % 5 === 0) o.tokenRotated({ provider, refreshToken: `rt-${n}` });
  if (n % 7 === 0) o.tokensRevoked({ reason: pick(['manual', 'expired', 'security']), tokenIds: [`tok-${n - 3}`] });
  if (n % 11 === 0) o.pkceStatesCleaned({ reason: pick(['expired', 'manual', 'server_deleted']), count: 2 });
  // a 403 insufficient_scope from an MCP server, each on its own tool URL (a loop needs repeats)
  if (n % 3 === 0) observed.stepUp('https://mcp.notion.com', `/mcp/tools/${n % 200}-${Math.floor(n / 600)}`, 'mcp:read mcp:write');
  if (n % 13 === 0) o.tokenEndpointError({ provider, grantType: 'client_credentials', error: 'invalid_client', httpStatus: 401 });
  // a DPoP client's nonce challenge (RFC 9449 §8), as the traffic observer counts it
  if (n % 12 === 0) o.tokenEndpointError({ provider, grantType: 'refresh_token', error: 'use_dpop_nonce', httpStatus: 400 });
  if (n % 10 === 0) {
    const failed = Math.random() < 0.5 ? 0 : 1;
    o.scheduledRefreshCompleted({ refreshed: 3, failed, durationMs: ms(300, 40_000) });
    if (failed) o.scheduledRefreshError({ errorType: pick(['endpoint_error', 'no_refresh_token', 'exception', 'ownership_failed']), provider });
  }
  // Security events, at a low steady rate so every alert query has data.
  if (steadySecurityEvents) {
    if (n % 17 === 0) o.refreshTokenReuseDetected({ provider, token: `rt-${n - 5}`, familyRevoked: true, classification: 'suspected_theft' });
    if (n % 19 === 0) o.codeInjectionAttempt({ provider, flowId });
    if (n % 23 === 0) o.integrityViolation({ violationType: pick(['hash_mismatch', 'state_reuse', 'user_mismatch']), provider });
    if (n % 29 === 0) o.ownershipViolation({ provider });
    if (n % 31 === 0) o.pkceReplayDetected({ provider, flowId });
    if (n % 37 === 0) o.issuerMismatch({ provider, stage: 'authorization_response' });
    if (n % 41 === 0) o.pkceDowngradeDetected({ provider });
    if (n % 43 === 0) o.authorizationCodeReplayDetected({ provider });
    if (n % 47 === 0) o.redirectUriMismatch({ provider });
    if (n % 53 === 0) o.clientMismatch({ provider });
    if (n % 59 === 0) o.pkceVerificationFailed({ provider });
    if (n % 61 === 0) recordSecurityEvent(EVENTS.asCapabilityDrift, { provider, reason: 'iss_parameter_removed' });
    if (n % 67 === 0) recordSecurityEvent(EVENTS.reauthorizationLoop, { provider, reason: 'invalid_grant_loop' });
    if (n % 71 === 0) spoofing.url('https://mcp.notion.com', '/mcp?access_token=at-driver', 4);
    if (n % 73 === 0) spoofing.challenge('https://mcp.notion.com', 'https://attacker.example/.well-known/oauth-protected-resource');
    if (n % 79 === 0) o.connectionContextMismatch({ provider, userId: 'user-1', mismatch: 'tool' });
    if (n % 71 === 0) o.checkAuthorizationResponse({ response: `code=c${n}&state=s${n}`, expectedIssuer: provider, provider });
    if (n % 73 === 0) recordSecurityEvent(EVENTS.stepUpLoop, { provider, reason: 'union_not_granted' });
  }
  // Input the package must bound: a fourth provider past the cap, a reason outside the vocabulary.
  if (n % 61 === 0) o.flowStarted({ provider: 'https://unlisted.example.net' });
  if (n % 67 === 0) o.tokensRevoked({ reason: 'because-i-said-so' });
  serverTick();
}

// One full round first, so every series exists from the first scrape.
for (let i = 0; i < 80; i++) tick();
const timer = setInterval(tick, intervalMs);
const stopAt = setTimeout(() => process.kill(process.pid, 'SIGTERM'), maxSeconds * 1000);
stopAt.unref();
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.once(sig, async () => {
    clearInterval(timer);
    await handle.shutdown({ timeoutMillis: 2000 });
    process.exit(0);
  });
}
console.log(JSON.stringify({ event: 'driver_ready', metrics: handle.metricsUrl, liveTokens }));
