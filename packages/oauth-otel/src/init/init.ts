import { diag } from '@opentelemetry/api';
import type { TelemetryHandle, TelemetryOptions } from '../types';
import { runtime } from '../internal/runtime';
import { noticeOnce } from '../internal/diag';
import { describeThrown, readProp } from '../internal/safe';
import { setFingerprintKey } from '../internal/fingerprint';
import { configureProviders } from '../metrics/bind';
import { startMetrics, type MetricsSide } from '../metrics/start';
import { startLogs, type LogsSide } from '../logs/start';
import { resolveConfig } from './config';
import { setEventSink } from '../api/events';
import { buildResource } from './resource';
import { startObserver } from '../observe';
import { startTraces, type TracesSide } from '../traces/start';
import { createRedactor } from '../redaction';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createOAuthMetricProducer } from '../metrics/aggregate/producer';
import { OTLPExemplarMetricExporter } from '../metrics/otlp/exporter';

/**
 * Starts oauth-otel once per process: Prometheus metrics for every OAuth instrument and the
 * redacted logs pipeline. Later calls (also from a second copy of the module, as Next.js
 * creates) resolve to the same handle and say so once through OTel diag.
 *
 * Rejects with OAuthTelemetryConfigError for bad options or environment, or a port in use.
 */
export function initTelemetry(options?: TelemetryOptions): Promise<TelemetryHandle> {
  const rt = runtime();
  if (rt.init !== undefined) {
    noticeOnce('init-twice', 'initTelemetry() was called again; returning the handle of the first call');
    return rt.init.promise as Promise<TelemetryHandle>;
  }
  const promise = start(options);
  rt.init = { promise };
  // A failed start (bad config) leaves nothing behind, so a corrected call can succeed.
  promise.catch(() => {
    if (rt.init?.promise === promise) rt.init = undefined;
  });
  return promise;
}

/** Default bound of forceFlush() / shutdown(): long enough for a batch, short enough for SIGTERM grace periods. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Longest delay a Node timer keeps (a longer one fires at once, with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The caller's bound, read totally: hostile options (a throwing getter, a revoked Proxy) get the default. */
function timeout(o: unknown): number {
  const t = readProp(o, 'timeoutMillis');
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? Math.min(t, MAX_TIMER_MS) : DEFAULT_TIMEOUT_MS;
}

/** The OTLP push reader, with its own OAuth producer (the histograms are pre-aggregated in the package). */
function otlpMetricReader(intervalMillis: number, cardinalityLimit: number): PeriodicExportingMetricReader {
  // The stock OTLP/protobuf exporter but for its serializer, which keeps the histograms' exemplars.
  const exporter = new OTLPExemplarMetricExporter();
  const producer = createOAuthMetricProducer({ temporality: exporter, cardinalityLimit });
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMillis, metricProducers: [producer] });
}

async function start(options: TelemetryOptions | undefined): Promise<TelemetryHandle> {
  const cfg = resolveConfig(options);
  const resource = buildResource(cfg);
  configureProviders(cfg.providers);
  if (cfg.fingerprintKey) setFingerprintKey(cfg.fingerprintKey);

  const push = cfg.metricsPush && cfg.metrics ? [otlpMetricReader(cfg.metricsPush.intervalMillis, cfg.metrics.cardinalityLimit)] : [];
  const metricsSide: MetricsSide | undefined = cfg.metrics ? await startMetrics(cfg.metrics, resource, push) : undefined;
  let logsSide: LogsSide | undefined;
  try {
    logsSide = cfg.logs ? await startLogs(cfg.logs, resource, cfg.fingerprintKey) : undefined;
    // Logs off: OAuth events are not wanted, so they are neither built nor buffered.
    if (!cfg.logs) setEventSink(null);
  } catch (err) {
    await metricsSide?.shutdown().catch(() => undefined);
    throw err;
  }
  // Last: nothing after it can fail, so a rejected init leaves no global tracer behind.
  const tracesSide: TracesSide | undefined = cfg.traces ? startTraces(cfg.traces, resource, createRedactor()) : undefined;

  const stopObserver = startObserver(cfg.observe);

  let stopped: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    meterProvider: metricsSide?.meterProvider,
    tracerProvider: tracesSide?.tracerProvider,
    metricsUrl: metricsSide?.url,
    logger: logsSide?.logger,
    // Lifecycle calls never reject into the app: a failed side is said through diag, as in shutdown.
    async forceFlush(o) {
      const t = timeout(o);
      const results = await Promise.allSettled([metricsSide?.forceFlush(), logsSide?.forceFlush(t), tracesSide?.forceFlush()]);
      for (const r of results) if (r.status === 'rejected') diag.warn('oauth-otel: flush step failed', describeThrown(r.reason));
    },
    shutdown(o) {
      stopped ??= (async () => {
        const t = timeout(o);
        try {
          stopObserver?.();
        } catch (err) {
          diag.warn('oauth-otel: shutdown step failed', describeThrown(err));
        }
        const results = await Promise.allSettled([tracesSide?.shutdown(), logsSide?.shutdown(t), metricsSide?.shutdown()]);
        for (const r of results) if (r.status === 'rejected') diag.warn('oauth-otel: shutdown step failed', describeThrown(r.reason));
      })();
      return stopped;
    },
  };
  logsSide?.attach(handle);
  return handle;
}
