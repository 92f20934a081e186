/**
 * oauth-otel: OpenTelemetry instrumentation for OAuth 2.1.
 *
 *   catalog (instruments.ts, vocabulary.ts)
 *     → recording API (api/*)            one call per OAuth operation, never throws
 *     → metrics (metrics/*)              OTel instruments, Prometheus exposition
 *     → logs (logs/*, redaction/*)       winston + OTLP, redacted, one schema
 *     → adapters                         oauth-otel/oidc-provider
 */
export { initTelemetry } from './init/init';
export type { TelemetryOptions, MetricsOptions, LogsOptions, OtlpLogsOptions, RedactionConfig, ProviderLabelOptions, TelemetryHandle, LogLevel } from './types';
export { OAuthTelemetryConfigError, type OAuthTelemetryErrorCode } from './errors';

// Catalog
export { METRICS, METRIC_DEFINITIONS, SEED_METRIC_NAMES, METER_NAME, type MetricDefinition, type MetricKey, type InstrumentKind, type LabelDomain } from './instruments';
export * from './vocabulary';
export { OPERATION_EVENTS, SECURITY_EVENTS, EVENT_NAMES, type OperationEventDefinition, type SecurityEventDefinition } from './events';

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
export { setOAuthEventLogger, enableOAuthEventLogs, type OAuthEventLogOptions } from './logs/start';
export { LOG_FIELDS, LOG_KEYS, LOG_QUERY_FIELDS, type LogField } from './logs/schema';
export { redact, redactString, createRedactor, fingerprintSecret, type Redactor, type RedactionOptions } from './redaction';

// Recording API
import * as flows from './api/flows';
import * as tokens from './api/tokens';
import * as pkce from './api/pkce';
import * as operations from './api/operations';
import * as security from './api/security';
import * as track from './api/track';
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
export { oauthErrorCode } from './api/errors';
export type { OAuthEvent, OAuthEventLevel, Priority } from './api/events';

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
});
