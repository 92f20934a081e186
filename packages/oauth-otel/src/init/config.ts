import type { LogsOptions, TelemetryOptions } from '../types';
import { OAuthTelemetryConfigError } from '../errors';
import { resolveObserve } from '../observe/config';
import type { ResolvedObserve } from '../observe/types';
import { resolveMetricsPush, resolveTraces, type TracesConfig } from '../traces/config';
import { checkKeys, checkObject, describe, envBool, envInt, METRICS_TOKEN_PATTERN, optBool, optInt, optString, optStringArray } from '../internal/validate';

export interface MetricsConfig {
  server: boolean;
  port: number;
  host: string;
  endpoint: string;
  token: string | undefined;
  /** Serve /metrics without a token. Default false: no token and no opt-in serves nothing. */
  allowUnauthenticated: boolean;
  cardinalityLimit: number;
  withoutTargetInfo: boolean;
}

export interface ResolvedConfig {
  serviceName: string | undefined;
  serviceVersion: string | undefined;
  environment: string | undefined;
  resourceAttributes: Record<string, string | number | boolean>;
  metrics: MetricsConfig | false;
  /** Validated by the logs side (logs/config.ts). */
  logs: LogsOptions | false;
  providers: { allowList?: string[]; cap: number };
  fingerprintKey: string | undefined;
  /** The traffic observer (observe/). */
  observe: ResolvedObserve;
  traces: TracesConfig | false;
  /** OTLP metrics push beside the scrape (OTEL_METRICS_EXPORTER=otlp). */
  metricsPush: { intervalMillis: number } | false;
}

const TOP = ['serviceName', 'serviceVersion', 'environment', 'resourceAttributes', 'metrics', 'logs', 'traces', 'providers', 'fingerprintKey', 'observe'] as const;
const METRICS = ['server', 'port', 'host', 'endpoint', 'token', 'allowUnauthenticated', 'cardinalityLimit', 'withoutTargetInfo'] as const;
const PROVIDERS = ['allowList', 'cap'] as const;

/** Validates options and merges the standard environment variables. Throws on the first problem. */
export function resolveConfig(options: unknown): ResolvedConfig {
  if (options === undefined || options === null) options = {};
  checkObject(options, 'options');
  const o = options as TelemetryOptions & Record<string, unknown>;
  checkKeys(o, TOP, '');

  const resourceAttributes: Record<string, string | number | boolean> = {};
  checkObject(o.resourceAttributes, 'resourceAttributes');
  for (const [k, v] of Object.entries(o.resourceAttributes ?? {})) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new OAuthTelemetryConfigError(`resourceAttributes.${k}`, 'a string, number or boolean', describe(v));
    }
    resourceAttributes[k] = v;
  }

  checkObject(o.providers, 'providers');
  const p = (o.providers ?? {}) as Record<string, unknown>;
  checkKeys(p, PROVIDERS, 'providers');
  const allowList = optStringArray(p.allowList, 'providers.allowList');
  const providers = { cap: optInt(p.cap, 'providers.cap', 1, 10_000) ?? 50, ...(allowList ? { allowList } : {}) };

  const fingerprintKey = optSecret(o.fingerprintKey, 'fingerprintKey', /^.{16,}$/s, 'a string of at least 16 characters');
  if (o.logs !== undefined && o.logs !== false) checkObject(o.logs, 'logs');

  return {
    serviceName: optString(o.serviceName, 'serviceName'),
    serviceVersion: optString(o.serviceVersion, 'serviceVersion'),
    environment: optString(o.environment, 'environment'),
    resourceAttributes,
    metrics: resolveMetrics(o.metrics),
    logs: o.logs === false ? false : (o.logs ?? {}),
    providers,
    fingerprintKey,
    observe: resolveObserve(o.observe),
    traces: resolveTraces(o.traces),
    metricsPush: resolveMetricsPush(),
  };
}

function resolveMetrics(v: unknown): MetricsConfig | false {
  if (v === false) return false;
  checkObject(v, 'metrics');
  const m = (v ?? {}) as Record<string, unknown>;
  checkKeys(m, METRICS, 'metrics');
  const endpoint = optString(m.endpoint, 'metrics.endpoint', /^\/[\w\-./]*$/, 'a path starting with /') ?? '/metrics';
  return {
    server: optBool(m.server, 'metrics.server') ?? true,
    port: optInt(m.port, 'metrics.port', 0, 65535) ?? envInt('OTEL_EXPORTER_PROMETHEUS_PORT', 0, 65535) ?? 9464,
    host: optString(m.host, 'metrics.host', HOST, 'a host name or IP address') ?? envHost() ?? '127.0.0.1',
    endpoint,
    token: optSecret(m.token, 'metrics.token', METRICS_TOKEN_PATTERN, TOKEN_EXPECTED)
      ?? envToken('OAUTH_OTEL_METRICS_TOKEN'),
    allowUnauthenticated: optBool(m.allowUnauthenticated, 'metrics.allowUnauthenticated') ?? envBool('OAUTH_OTEL_METRICS_ALLOW_UNAUTHENTICATED') ?? false,
    cardinalityLimit: optInt(m.cardinalityLimit, 'metrics.cardinalityLimit', 2, 1_000_000) ?? 2000,
    withoutTargetInfo: optBool(m.withoutTargetInfo, 'metrics.withoutTargetInfo') ?? false,
  };
}

const TOKEN_EXPECTED = 'a string of at least 16 visible ASCII characters (no spaces)';

/** A secret option (token, key): a bad value is described by its length only, even a short one. */
function optSecret(v: unknown, path: string, pattern: RegExp, expected: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new OAuthTelemetryConfigError(path, expected, describe(v));
  if (!pattern.test(v)) throw new OAuthTelemetryConfigError(path, expected, `a string of ${v.length} characters`);
  return v;
}

/** The token from the environment, under the same rule as metrics.token. */
function envToken(name: string): string | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!METRICS_TOKEN_PATTERN.test(raw)) throw new OAuthTelemetryConfigError(name, TOKEN_EXPECTED, `a string of ${raw.length} characters`);
  return raw;
}

const HOST = /^[\w.:-]+$/;

/** OTEL_EXPORTER_PROMETHEUS_HOST under metrics.host's rule, named when it fails (blank is unset). */
function envHost(): string | undefined {
  const v = nonEmpty(process.env.OTEL_EXPORTER_PROMETHEUS_HOST);
  if (v !== undefined && !HOST.test(v)) throw new OAuthTelemetryConfigError('OTEL_EXPORTER_PROMETHEUS_HOST', 'a host name or IP address', describe(v));
  return v;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s.trim() : undefined;
}
