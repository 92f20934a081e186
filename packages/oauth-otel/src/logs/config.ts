import type { LogLevel, LogsOptions } from '../types';
import type { RedactionOptions } from '../redaction/options';
import { OAuthTelemetryConfigError } from '../errors';
import { checkKeys, checkObject, describe, envInt, oneOf, optBool, optInt, optString, optStringArray } from '../internal/validate';
import { defaultLevel, LEVEL_NAMES } from './levels';

export interface OtlpConfig {
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
}

export interface LogsConfig {
  level: LogLevel;
  stdout: boolean;
  otlp: OtlpConfig | false;
  /** Passed to createRedactor (which validates the limits); `fingerprint: true` takes init's key. */
  redaction: RedactionOptions;
  logClientId: boolean;
  flushOnExit: boolean;
}

const KEYS = ['level', 'stdout', 'otlp', 'redaction', 'logClientId', 'flushOnExit'] as const;
const OTLP_KEYS = ['endpoint', 'protocol', 'headers', 'timeoutMillis', 'maxQueueSize', 'maxExportBatchSize', 'scheduledDelayMillis'] as const;
const REDACTION_KEYS = ['extraKeys', 'extraPatterns', 'allowKeys', 'fingerprint', 'maxDepth', 'maxStringLength', 'maxNodes'] as const;
const PROTOCOLS = ['http/protobuf', 'http/json'] as const;

export function resolveLogs(v: LogsOptions, env: NodeJS.ProcessEnv = process.env): LogsConfig {
  checkObject(v, 'logs');
  checkKeys(v, KEYS, 'logs');
  const envLevel = env.LOG_LEVEL?.trim().toLowerCase();
  if (envLevel && !(LEVEL_NAMES as string[]).includes(envLevel)) {
    throw new OAuthTelemetryConfigError('LOG_LEVEL', `one of ${LEVEL_NAMES.join(', ')}`, describe(env.LOG_LEVEL));
  }
  const r = (v.redaction ?? {}) as Record<string, unknown>;
  checkObject(v.redaction, 'logs.redaction');
  checkKeys(r, REDACTION_KEYS, 'logs.redaction');
  if (r.extraPatterns !== undefined && (!Array.isArray(r.extraPatterns) || r.extraPatterns.some((p) => !(p instanceof RegExp)))) {
    throw new OAuthTelemetryConfigError('logs.redaction.extraPatterns', 'an array of RegExp', describe(r.extraPatterns));
  }
  const extraKeys = optStringArray(r.extraKeys, 'logs.redaction.extraKeys');
  const allowKeys = optStringArray(r.allowKeys, 'logs.redaction.allowKeys');
  return {
    level: oneOf(v.level, 'logs.level', LEVEL_NAMES) ?? defaultLevel(env),
    stdout: optBool(v.stdout, 'logs.stdout') ?? true,
    otlp: v.otlp === false ? false : resolveOtlp(v.otlp, env),
    redaction: {
      ...(extraKeys ? { extraKeys } : {}),
      ...(allowKeys ? { allowKeys } : {}),
      ...(r.extraPatterns ? { extraPatterns: r.extraPatterns as RegExp[] } : {}),
      ...(['maxDepth', 'maxStringLength', 'maxNodes'] as const).reduce((o, k) => (r[k] === undefined ? o : { ...o, [k]: r[k] }), {}),
      fingerprint: typeof r.fingerprint === 'object' && r.fingerprint !== null ? (r.fingerprint as { key: string }) : optBool(r.fingerprint, 'logs.redaction.fingerprint') ?? false,
    },
    logClientId: optBool(v.logClientId, 'logs.logClientId') ?? false,
    flushOnExit: optBool(v.flushOnExit, 'logs.flushOnExit') ?? true,
  };
}

function resolveOtlp(v: unknown, env: NodeJS.ProcessEnv): OtlpConfig {
  checkObject(v, 'logs.otlp');
  const o = (v ?? {}) as Record<string, unknown>;
  checkKeys(o, OTLP_KEYS, 'logs.otlp');
  const url = optString(o.endpoint, 'logs.otlp.endpoint', /^https?:\/\/\S+$/, 'an http(s) URL') ?? envUrl(env);
  const protocol =
    oneOf(o.protocol, 'logs.otlp.protocol', PROTOCOLS) ??
    envProtocol('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', env) ??
    envProtocol('OTEL_EXPORTER_OTLP_PROTOCOL', env) ??
    'http/protobuf';
  checkObject(o.headers, 'logs.otlp.headers');
  const headers = { ...envHeaders('OTEL_EXPORTER_OTLP_HEADERS', env), ...envHeaders('OTEL_EXPORTER_OTLP_LOGS_HEADERS', env) };
  for (const [k, hv] of Object.entries((o.headers ?? {}) as Record<string, unknown>)) {
    if (typeof hv !== 'string') throw new OAuthTelemetryConfigError(`logs.otlp.headers.${k}`, 'a string', describe(hv));
    headers[k] = hv;
  }
  const maxQueueSize = optInt(o.maxQueueSize, 'logs.otlp.maxQueueSize', 1, 1_000_000) ?? envInt('OTEL_BLRP_MAX_QUEUE_SIZE', 1, 1_000_000) ?? 2048;
  const maxExportBatchSize = optInt(o.maxExportBatchSize, 'logs.otlp.maxExportBatchSize', 1, 1_000_000) ?? envInt('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 1, 1_000_000) ?? 512;
  if (maxExportBatchSize > maxQueueSize) {
    throw new OAuthTelemetryConfigError('logs.otlp.maxExportBatchSize', `at most logs.otlp.maxQueueSize (${maxQueueSize})`, String(maxExportBatchSize));
  }
  return {
    url,
    protocol,
    headers,
    timeoutMillis:
      optInt(o.timeoutMillis, 'logs.otlp.timeoutMillis', 1, 600_000) ??
      envInt('OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', 1, 600_000) ??
      envInt('OTEL_EXPORTER_OTLP_TIMEOUT', 1, 600_000) ??
      10_000,
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis: optInt(o.scheduledDelayMillis, 'logs.otlp.scheduledDelayMillis', 1, 600_000) ?? envInt('OTEL_BLRP_SCHEDULE_DELAY', 1, 600_000) ?? 1000,
  };
}

function envUrl(env: NodeJS.ProcessEnv): string {
  const logs = env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT?.trim();
  if (logs) return checkUrl(logs, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) return checkUrl(base.replace(/\/+$/, '') + '/v1/logs', 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return 'http://localhost:4318/v1/logs';
}

function checkUrl(u: string, name: string): string {
  if (!/^https?:\/\/\S+$/.test(u)) throw new OAuthTelemetryConfigError(name, 'an http(s) URL', describe(u));
  return u;
}

function envProtocol(name: string, env: NodeJS.ProcessEnv): 'http/protobuf' | 'http/json' | undefined {
  const p = env[name]?.trim();
  if (!p) return undefined;
  if (p === 'grpc') throw new OAuthTelemetryConfigError(name, 'http/protobuf or http/json (oauth-otel exports logs over OTLP/HTTP)', describe(p));
  return oneOf(p, name, PROTOCOLS);
}

/** `k1=v1,k2=v2` with URL-encoded values, as the OTLP exporter spec defines. */
function envHeaders(name: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const raw = env[name];
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new OAuthTelemetryConfigError(name, 'comma-separated key=value pairs', 'a malformed list');
    try {
      out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      throw new OAuthTelemetryConfigError(name, 'comma-separated key=value pairs with URL-encoded values', 'a malformed list');
    }
  }
  return out;
}
