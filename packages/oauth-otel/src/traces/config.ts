import { OAuthTelemetryConfigError } from '../errors';
import { checkKeys, checkObject, describe, optString } from '../internal/validate';
import { resolveBatch, type BatchConfig } from './batch';

export type TracesExporterName = 'otlp' | 'console';
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export type TracesProtocol = 'http/protobuf' | 'http/json';

export interface TracesConfig {
  exporters: TracesExporterName[];
  /** Undefined: the OTLP exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT itself. */
  url: string | undefined;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL. */
  protocol: TracesProtocol;
  sampler: SamplerName;
  ratio: number;
  /** OTEL_BSP_* for the OTLP exporter's batch processor. */
  batch: BatchConfig;
}

export interface TracesOptions {
  /** OTLP/HTTP traces URL (full, ending in /v1/traces). Default: the OTEL_EXPORTER_OTLP_* variables. */
  endpoint?: string;
}

const SAMPLERS: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];
const EXPORTERS = ['otlp', 'console', 'none'] as const;
const PROTOCOLS: readonly TracesProtocol[] = ['http/protobuf', 'http/json'];

/**
 * Tracing in initTelemetry(): on with `traces: {…}` or when OTEL_TRACES_EXPORTER names an exporter;
 * off with `traces: false`, OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true. Unknown values of
 * the standard variables fail init with a coded error (a typo must not silently lose every trace).
 */
export function resolveTraces(v: unknown, env: NodeJS.ProcessEnv = process.env): TracesConfig | false {
  if (v === false) return false;
  if (v !== undefined && v !== true) checkObject(v, 'traces');
  const o = (v !== null && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  checkKeys(o, ['endpoint'], 'traces');
  const url = optString(o.endpoint, 'traces.endpoint', /^https?:\/\/\S+$/, 'an http(s) URL');
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const list = envList('OTEL_TRACES_EXPORTER', env, EXPORTERS);
  if (list === undefined && v === undefined) return false; // closed by default
  if (list?.includes('none')) return false;
  const exporters = (list ?? ['otlp']).filter((x): x is TracesExporterName => x !== 'none');
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new OAuthTelemetryConfigError(name, 'http/protobuf or http/json (oauth-otel exports traces over OTLP/HTTP; no grpc)', describe(protocol));
  }
  const s = env.OTEL_TRACES_SAMPLER?.trim();
  if (s && !(SAMPLERS as readonly string[]).includes(s)) throw new OAuthTelemetryConfigError('OTEL_TRACES_SAMPLER', SAMPLERS.join(', '), describe(s));
  const sampler = (s || 'parentbased_always_on') as SamplerName;
  let ratio = 1;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (arg && sampler.endsWith('traceidratio')) {
    ratio = Number(arg);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new OAuthTelemetryConfigError('OTEL_TRACES_SAMPLER_ARG', 'a number between 0 and 1', describe(arg));
  }
  return { exporters, url, protocol: protocol as TracesProtocol, sampler, ratio, batch: resolveBatch(env) };
}

/** OTEL_METRICS_EXPORTER: `otlp` adds an OTLP push beside the Prometheus scrape (which is always on). */
export function resolveMetricsPush(env: NodeJS.ProcessEnv = process.env): { intervalMillis: number } | false {
  const list = envList('OTEL_METRICS_EXPORTER', env, ['otlp', 'prometheus', 'none'] as const);
  if (!list?.includes('otlp')) return false;
  const raw = env.OTEL_METRIC_EXPORT_INTERVAL?.trim();
  const intervalMillis = raw ? Number(raw) : 60_000;
  if (!Number.isInteger(intervalMillis) || intervalMillis < 100 || intervalMillis > 3_600_000) {
    throw new OAuthTelemetryConfigError('OTEL_METRIC_EXPORT_INTERVAL', 'an integer number of milliseconds between 100 and 3600000', describe(raw));
  }
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim();
  if (protocol && protocol !== 'http/protobuf') {
    throw new OAuthTelemetryConfigError('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'http/protobuf (oauth-otel pushes metrics over OTLP/HTTP protobuf)', describe(protocol));
  }
  return { intervalMillis };
}

function envList<T extends string>(name: string, env: NodeJS.ProcessEnv, allowed: readonly T[]): T[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const out: T[] = [];
  for (const part of raw.split(',')) {
    const x = part.trim();
    if (!(allowed as readonly string[]).includes(x)) throw new OAuthTelemetryConfigError(name, `a comma-separated list of ${allowed.join(', ')}`, describe(x));
    if (!out.includes(x as T)) out.push(x as T);
  }
  return out;
}
