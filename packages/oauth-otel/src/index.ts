/**
 * oauth-otel: OpenTelemetry instrumentation for OAuth 2.1.
 *
 *   catalog/                             metrics, vocabularies, events, attribute names (ground floor)
 *     → recording API (api/*)            one call per OAuth operation, never throws
 *     → metrics (metrics/*)              OTel instruments, Prometheus exposition
 *     → logs (logs/*, redaction/*)       OAuth events straight to stdout JSON + OTLP; winston for app logs
 *     → adapters                         oauth-otel/oidc-provider (records through api/server)
 */
import { initTelemetry as initTelemetryRaw } from './init/init';
import { configGuard, guardAll, selfGuarded, total } from './internal/safe';
/** Rejects only with OAuthTelemetryConfigError. */
export const initTelemetry = configGuard('initTelemetry', initTelemetryRaw);
export type { TelemetryOptions, TracesOptions, MetricsOptions, LogsOptions, OtlpLogsOptions, RedactionConfig, ProviderLabelOptions, ObserveOptions, TelemetryHandle, LogLevel } from './types';
export { OAuthTelemetryConfigError, type OAuthTelemetryErrorCode } from './errors';

// Catalog
export * from './catalog';

// Bring your own SDK
import { bindOAuthInstruments as bindRaw } from './metrics/bind';
import { createOAuthViews as viewsRaw } from './metrics/views';
import { createOAuthMetricProducer as producerRaw } from './metrics/aggregate/producer';
import { createMetricsHandler as handlerRaw, metricsRequestListener as listenerRaw } from './metrics/handler';
export const bindOAuthInstruments = configGuard('bindOAuthInstruments', bindRaw);
export const createOAuthViews = configGuard('createOAuthViews', viewsRaw);
export const createOAuthMetricProducer = configGuard('createOAuthMetricProducer', producerRaw);
export type { OAuthMetricProducerOptions, TemporalityOption } from './metrics/aggregate/producer';
export const createMetricsHandler = configGuard('createMetricsHandler', handlerRaw);
export const metricsRequestListener = configGuard('metricsRequestListener', listenerRaw);
export { METRICS_CONTENT_TYPE, type MetricsHandlerOptions } from './metrics/handler';
export type { OAuthViewOptions } from './metrics/views';
export type { GaugeKey, GaugeSource } from './metrics/recorder';

// Traces
import { setOAuthTracerProvider as tracerProviderRaw } from './traces/tracer';
export const setOAuthTracerProvider = total('setOAuthTracerProvider', tracerProviderRaw);
export { RedactingSpanProcessor } from './traces/processor';
import { oauthTraceHeaders as traceHeadersRaw } from './traces/propagation';
export const oauthTraceHeaders = total('oauthTraceHeaders', traceHeadersRaw, {});

// Logs and redaction
import { createLogger as loggerRaw } from './logs/logger';
export const createLogger = configGuard('createLogger', loggerRaw);
export type { CreateLoggerOptions } from './logs/logger';
export { RedactingLogRecordProcessor, BoundedBatchLogRecordProcessor, type BoundedBatchOptions } from './logs/processor';
import { createOAuthLogRecordProcessors as processorsRaw, setOAuthEventLogger as eventLoggerRaw, enableOAuthEventLogs as eventLogsRaw } from './logs/byo';
import { bridgeLegacyLogsApi as bridgeRaw } from './logs/bridge';
export const createOAuthLogRecordProcessors = configGuard('createOAuthLogRecordProcessors', processorsRaw);
export const bridgeLegacyLogsApi = configGuard('bridgeLegacyLogsApi', bridgeRaw);
export const setOAuthEventLogger = configGuard('setOAuthEventLogger', eventLoggerRaw);
export const enableOAuthEventLogs = configGuard('enableOAuthEventLogs', eventLogsRaw);
export type { OAuthLogProcessorsOptions, OAuthEventLogOptions } from './logs/byo';
import * as redaction from './redaction';
import { registerFacade } from './internal/redactor-facades';
/** Never throws: a failure of the engine returns the `[Unredactable]` marker, never the input. */
export const redact: typeof redaction.redact = total('redact', redaction.redact, redaction.MARKER_FAILED as never);
export const redactString = total('redactString', redaction.redactString, redaction.MARKER_FAILED);
export const createRedactor = configGuard('createRedactor', (options?: redaction.RedactionOptions): redaction.Redactor => {
  const r = redaction.createRedactor(options);
  const facade: redaction.Redactor = Object.freeze({
    redact: total('redactor.redact', (v: unknown) => r.redact(v), redaction.MARKER_FAILED),
    redactString: total('redactor.redactString', (v: string) => r.redactString(v), redaction.MARKER_FAILED),
  });
  registerFacade(facade, r);
  return facade;
});
export const fingerprintSecret = configGuard('fingerprintSecret', redaction.fingerprintSecret);
export type { Redactor, RedactionOptions } from './redaction';

// Recording API: every function is wrapped once here, at the module boundary, by a total-call
// guard (internal/safe.ts), so no recording call can throw into the host app even if a bug or a
// hostile value gets past its own checks. test/api/boundary.test.ts enumerates this module's
// exports and checks that every function is guarded or a configuration entry point.
import * as flows from './api/flows';
import * as tokens from './api/tokens';
import * as pkce from './api/pkce';
import * as operations from './api/operations';
import * as security from './api/security';
import * as track from './api/track';
import * as serverModule from './api/server';
import * as dpop from './api/dpop';
// The adapter's hot-path split of serverTokenIssued() is internal: not part of `oauth`.
const { countServerTokenIssued: _count, serverTokenIssuedEvent: _event, ...server } = serverModule;
import * as apiErrors from './api/errors';
export type * from './api/flows';
export type * from './api/tokens';
export type * from './api/pkce';
export type * from './api/operations';
export type { SecurityContext, RefreshTokenReuseInput, IntegrityViolationInput, IssuerMismatchInput, ConnectionContextMismatchInput, AuthorizationResponseInput, AuthorizationResponseVerdict } from './api/security';
export type * from './api/track';
export type * from './api/server';
export type * from './api/dpop';
export type { OAuthEvent, EventAttributes } from './api/events';

/** The whole recording API in one object: `oauth.flowStarted(...)`, `oauth.trackTokenRefresh(...)`. */
export const oauth = Object.freeze(
  Object.assign(guardAll({
    ...flows,
    ...tokens,
    ...pkce,
    ...operations,
    refreshTokenReuseDetected: security.refreshTokenReuseDetected,
    codeInjectionAttempt: security.codeInjectionAttempt,
    integrityViolation: security.integrityViolation,
    ownershipViolation: security.ownershipViolation,
    pkceReplayDetected: security.pkceReplayDetected,
    issuerMismatch: security.issuerMismatch,
    pkceDowngradeDetected: security.pkceDowngradeDetected,
    authorizationCodeReplayDetected: security.authorizationCodeReplayDetected,
    redirectUriMismatch: security.redirectUriMismatch,
    clientMismatch: security.clientMismatch,
    pkceVerificationFailed: security.pkceVerificationFailed,
    connectionContextMismatch: security.connectionContextMismatch,
    checkAuthorizationResponse: security.checkAuthorizationResponse,
    ...track,
    ...server,
    ...dpop,
  }),
  // Total by construction, and it must rethrow the handler's own errors (the app's), which a
  // total() wrapper would swallow.
  { continueOAuthFlow: selfGuarded(track.continueOAuthFlow) }),
);
export const { continueOAuthFlow } = oauth;

export const {
  flowStarted, flowCompleted, tokenEndpointError,
  tokenRefreshed, tokenRotated, tokensRevoked, tokenIssued, tokenRemoved, setGaugeSource,
  pkceStateCreated, pkceStateValidated, pkceStatesCleaned,
  discoveryCompleted, clientRegistered, scheduledRefreshCompleted, scheduledRefreshError,
  refreshTokenReuseDetected, codeInjectionAttempt, integrityViolation, ownershipViolation, pkceReplayDetected,
  issuerMismatch, pkceDowngradeDetected, authorizationCodeReplayDetected, redirectUriMismatch, clientMismatch,
  pkceVerificationFailed, connectionContextMismatch, checkAuthorizationResponse,
  trackTokenRefresh, trackDiscovery, trackClientRegistration, trackScheduledRefresh, trackCodeExchange, trackRevocation,
  serverTokenIssued, serverClientRegistered, serverError, serverGrantRevoked,
  dpopRejected,
} = oauth;
export const oauthErrorCode = total('oauthErrorCode', apiErrors.oauthErrorCode);
