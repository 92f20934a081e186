/**
 * Public shapes of oauth-otel's configuration and handle. Everything here is validated at init:
 * an unknown key, a wrong type or an out-of-range value rejects initTelemetry() with an
 * OAuthTelemetryConfigError naming the option and the allowed values.
 */
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { TracesOptions } from './traces/config';
export type { TracesOptions } from './traces/config';
import type { Logger as WinstonLogger } from 'winston';
import type { RedactionOptions } from './redaction/options';
import type { ObserveOptions } from './observe/types';

export type { ObserveOptions };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface TelemetryOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string;
  /** `service.version`; default `OTEL_SERVICE_VERSION` or the resource attributes. */
  serviceVersion?: string;
  /** `deployment.environment.name`; default from `OTEL_RESOURCE_ATTRIBUTES`, else `NODE_ENV`, else `development`. */
  environment?: string;
  /** Extra resource attributes (merged over `OTEL_RESOURCE_ATTRIBUTES`). Never put secrets here. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** The Prometheus side; `false` records nothing to Prometheus (instruments stay unbound). */
  metrics?: MetricsOptions | false;
  /** The logs side (winston + OTLP); `false` turns it off. */
  logs?: LogsOptions | false;
  /**
   * Tracing: on with `{}` (or when `OTEL_TRACES_EXPORTER` names an exporter), off with `false`.
   * Reads `OTEL_TRACES_EXPORTER` (otlp, console, none), `OTEL_TRACES_SAMPLER[_ARG]`, `OTEL_EXPORTER_OTLP_*`.
   */
  traces?: TracesOptions | boolean;
  /** Bounds of the `provider` label. */
  providers?: ProviderLabelOptions;
  /**
   * Key of the token / flow-id fingerprints in logs. Default: random per process (fingerprints
   * then correlate only within one process). Use a secret of at least 16 characters.
   */
  fingerprintKey?: string;
  /**
   * Zero-code client telemetry: record OAuth exchanges seen in outgoing fetch/undici and http(s)
   * traffic (discovery, registration, token, revocation). On by default; `{ issuers }` limits it
   * to named issuers; `false` or `OAUTH_OTEL_OBSERVE=off` turns it off.
   */
  observe?: boolean | ObserveOptions;
}

export interface MetricsOptions {
  /**
   * `true` (default): serve `/metrics` on its own HTTP server. `false`: start no server; mount
   * createMetricsHandler() / metricsRequestListener() in your app (e.g. Next.js `/api/metrics`).
   */
  server?: boolean;
  /** Default `OTEL_EXPORTER_PROMETHEUS_PORT`, else 9464. */
  port?: number;
  /** Default `OTEL_EXPORTER_PROMETHEUS_HOST`, else `127.0.0.1` (never all interfaces by surprise). */
  host?: string;
  /** Path of the metrics endpoint on the own server. Default `/metrics`. */
  endpoint?: string;
  /**
   * Scrapes must send `Authorization: Bearer <token>` (16+ visible ASCII characters, no spaces). Default
   * `OAUTH_OTEL_METRICS_TOKEN`. Without a token (and without `allowUnauthenticated`) the built-in
   * server refuses every request with 403, on any host, and says why once through OTel diag.
   */
  token?: string;
  /**
   * Serve `/metrics` to anyone who can reach it, without a token. Default
   * `OAUTH_OTEL_METRICS_ALLOW_UNAUTHENTICATED` (`true` or `false`), else false. Ignored when a
   * token is set.
   */
  allowUnauthenticated?: boolean;
  /** Series per OAuth instrument before overflow into `otel_metric_overflow="true"`. Default 2000. */
  cardinalityLimit?: number;
  /** Omit the `target_info` series. Default false. */
  withoutTargetInfo?: boolean;
}

export interface ProviderLabelOptions {
  /** Only these providers (names or issuer URLs) become label values; all others are `other`. */
  allowList?: string[];
  /** Distinct providers kept before new ones are recorded as `other`. Default 50. */
  cap?: number;
}

export interface LogsOptions {
  /** Minimum level; default `LOG_LEVEL`, else production `info`, test `warn`, otherwise `debug`. */
  level?: LogLevel;
  /** One JSON object per line on stdout (for shippers that tail it). Default true. */
  stdout?: boolean;
  /** OTLP/HTTP export to a Collector; `false` turns it off. */
  otlp?: OtlpLogsOptions | false;
  /** Secret handling of every record (stdout and OTLP alike). */
  redaction?: RedactionConfig;
  /** Log `oauth.client_id` on events. Default false (client ids can identify users of public clients). */
  logClientId?: boolean;
  /** Flush queued records on SIGTERM/SIGINT, then let the signal do what it would have done. Default true. */
  flushOnExit?: boolean;
}

export interface OtlpLogsOptions {
  /** Full logs URL. Default `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`. */
  endpoint?: string;
  /** `http/protobuf` (default) or `http/json`; default from `OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL`. */
  protocol?: 'http/protobuf' | 'http/json';
  /** Extra headers; merged over `OTEL_EXPORTER_OTLP_(LOGS_)HEADERS`. */
  headers?: Record<string, string>;
  /** Export request timeout; default `OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT`, else 10000 ms. */
  timeoutMillis?: number;
  /** Batch queue bound: records beyond it are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  scheduledDelayMillis?: number;
}

/** The options of `logs.redaction`: the same type as `createRedactor()`'s options. */
export type RedactionConfig = RedactionOptions;

/** What initTelemetry() resolves to; the same object for every call in a process. */
export interface TelemetryHandle {
  /** The MeterProvider the OAuth instruments are bound to (undefined when metrics are off). */
  readonly meterProvider: MeterProvider | undefined;
  /** URL of the own `/metrics` server, when it runs. */
  readonly metricsUrl: string | undefined;
  /** The TracerProvider initTelemetry() registered (undefined when tracing is off or the app registered its own). */
  readonly tracerProvider: TracerProvider | undefined;
  /** The package's winston logger (undefined when logs are off). */
  readonly logger: WinstonLogger | undefined;
  /** Exports what is pending (logs); waits at most `timeoutMillis` (default 10000). */
  forceFlush(options?: { timeoutMillis?: number }): Promise<void>;
  /**
   * Flushes and stops everything, waiting at most `timeoutMillis` (default 10000); records still
   * queued then are counted as dropped. Later log records are dropped and counted.
   */
  shutdown(options?: { timeoutMillis?: number }): Promise<void>;
}
