/** Error codes of oauth-otel's own errors (configuration only: recording calls never throw). */
export type OAuthTelemetryErrorCode = 'ERR_OAUTH_OTEL_CONFIG';

/**
 * Bad configuration, thrown (or rejected) at init. Names the option, what is allowed, and what
 * was given (secrets in the given value are not echoed).
 */
export class OAuthTelemetryConfigError extends Error {
  readonly code: OAuthTelemetryErrorCode = 'ERR_OAUTH_OTEL_CONFIG';
  override readonly name = 'OAuthTelemetryConfigError';

  constructor(
    /** Dotted option path (`metrics.port`) or environment variable (`OTEL_EXPORTER_PROMETHEUS_PORT`). */
    readonly option: string,
    /** Human-readable allowed values. */
    readonly allowed: string,
    received: string,
    options?: { cause?: unknown },
  ) {
    super(`oauth-otel: invalid option ${option}: expected ${allowed}, got ${received}`, options);
  }
}
