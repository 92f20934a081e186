import { OAuthTelemetryConfigError } from '../errors';
import { describe } from '../internal/validate';

/** The batch span processor's settings, from the OTEL_BSP_* variables (sdk-trace 3.x reads none of them). */
export interface BatchConfig {
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

/** [variable, default (the OTel spec's), min, max]. The queue cap bounds the memory a stalled exporter can hold. */
const VARS = {
  scheduledDelayMillis: ['OTEL_BSP_SCHEDULE_DELAY', 5_000, 0, 3_600_000],
  exportTimeoutMillis: ['OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1, 3_600_000],
  maxQueueSize: ['OTEL_BSP_MAX_QUEUE_SIZE', 2_048, 1, 65_536],
} as const;

export const BSP_LIMITS = { ...VARS, maxExportBatchSize: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1, 65_536] } as const;

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number, maxText = String(max)): number {
  const raw = env[name]?.trim();
  if (!raw) return dflt;
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new OAuthTelemetryConfigError(name, `an integer between ${min} and ${maxText}`, describe(env[name]));
  return n;
}

/**
 * A bad value fails init: a typo in a delay or a size must not silently fall back to a default the
 * operator did not choose. The batch size may not exceed the queue (the SDK would clamp it with a warning).
 */
export function resolveBatch(env: NodeJS.ProcessEnv): BatchConfig {
  const [d, t, q] = [VARS.scheduledDelayMillis, VARS.exportTimeoutMillis, VARS.maxQueueSize];
  const maxQueueSize = int(env, q[0], q[1], q[2], q[3]);
  const b = BSP_LIMITS.maxExportBatchSize;
  return {
    scheduledDelayMillis: int(env, d[0], d[1], d[2], d[3]),
    exportTimeoutMillis: int(env, t[0], t[1], t[2], t[3]),
    maxQueueSize,
    maxExportBatchSize: int(env, b[0], Math.min(b[1], maxQueueSize), b[2], maxQueueSize, `${maxQueueSize} (OTEL_BSP_MAX_QUEUE_SIZE)`),
  };
}
