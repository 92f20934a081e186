/**
 * oauth-otel: OpenTelemetry instrumentation for OAuth 2.1.
 *
 *   catalog/                             metrics, vocabularies, events, attribute names (ground floor)
 *     → recording API (api/*)            one call per OAuth operation, never throws
 *     → metrics (metrics/*)              OTel instruments, Prometheus exposition
 *     → logs (logs/*, redaction/*)       OAuth events straight to stdout JSON + OTLP; winston for app logs
 *     → adapters                         oauth-otel/oidc-provider (records through api/server)
 */
export { initTelemetry } from './init/init';
export type { TelemetryOptions, MetricsOptions, LogsOptions, OtlpLogsOptions, RedactionConfig, ProviderLabelOptions, ObserveOptions, TelemetryHandle, LogLevel } from './types';
export { OAuthTelemetryConfigError, type OAuthTelemetryErrorCode } from './errors';

// Catalog
export * from './catalog';

// Bring your own SDK
export { bindOAuthInstruments } from './metrics/bind';
export { createOAuthViews, type OAuthViewOptions } from './metrics/views';
export { createMetricsHandler, metricsRequestListener, METRICS_CONTENT_TYPE, type MetricsHandlerOptions } from './metrics/handler';
export type { GaugeKey, GaugeSource } from './metrics/recorder';

// Logs and redaction
export { createLogger, type CreateLoggerOptions } from './logs/logger';
export { RedactingLogRecordProcessor, BoundedBatchLogRecordProcessor, type BoundedBatchOptions } from './logs/processor';
export { createOAuthLogRecordProcessors, type OAuthLogProcessorsOptions } from './logs/byo';
export { bridgeLegacyLogsApi } from './logs/bridge';
export { setOAuthEventLogger, enableOAuthEventLogs, type OAuthEventLogOptions } from './logs/byo';
export { redact, redactString, createRedactor, fingerprintSecret, type Redactor, type RedactionOptions } from './redaction';

// Recording API
import * as flows from './api/flows';
import * as tokens from './api/tokens';
import * as pkce from './api/pkce';
import * as operations from './api/operations';
import * as security from './api/security';
import * as track from './api/track';
import * as server from './api/server';
export * from './api/flows';
export * from './api/tokens';
export * from './api/pkce';
export * from './api/operations';
export {
  refreshTokenReuseDetected,
  codeInjectionAttempt,
  integrityViolation,
  ownershipViolation,
  pkceReplayDetected,
  issuerMismatch,
  pkceDowngradeDetected,
  authorizationCodeReplayDetected,
  redirectUriMismatch,
  clientMismatch,
  pkceVerificationFailed,
  type SecurityContext,
  type RefreshTokenReuseInput,
  type IntegrityViolationInput,
  type IssuerMismatchInput,
} from './api/security';
export * from './api/track';
export * from './api/server';
export { oauthErrorCode } from './api/errors';
export type { OAuthEvent, EventAttributes } from './api/events';

/** The whole recording API in one object: `oauth.flowStarted(...)`, `oauth.trackTokenRefresh(...)`. */
export const oauth = Object.freeze({
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
  ...track,
  ...server,
});
