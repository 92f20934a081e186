import { logs as logsApi } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import { format, type Logger as WinstonLogger } from 'winston';
import type { LogsOptions, TelemetryHandle } from '../types';
import { diag } from '@opentelemetry/api';
import { noticeOnce } from '../internal/diag';
import { runtime } from '../internal/runtime';
import { setEventSink } from '../api/events';
import { createRedactor } from '../redaction';
import { resourceFields as toResourceFields } from './format';
import { guardExporter } from './egress';
import { resolveLogs } from './config';
import { createLogger, passThroughFormat } from './logger';
import { BoundedBatchLogRecordProcessor, RedactingLogRecordProcessor } from './processor';
import { bridgeLegacyLogsApi } from './bridge';
import { directEventWriter } from './event-writer';
import { VERSION } from '../version';

export interface LogsSide {
  logger: WinstonLogger;
  attach(handle: TelemetryHandle): void;
  forceFlush(timeoutMillis: number): Promise<void>;
  shutdown(timeoutMillis: number): Promise<void>;
}

/**
 * The logs side of initTelemetry(): redaction first, then a bounded batch processor exporting
 * OTLP/HTTP to a Collector; the package's winston logger writing JSON lines to stdout and
 * bridging into that provider; and the sink that turns recorded OAuth events into log records.
 */
export async function startLogs(options: LogsOptions, resource: Resource, configuredFingerprintKey: string | undefined): Promise<LogsSide> {
  const c = resolveLogs(options);
  const fingerprintKey = configuredFingerprintKey ?? runtime().fingerprintKey;
  const redactor = createRedactor({
    ...c.redaction,
    fingerprint: c.redaction.fingerprint === true ? { key: fingerprintKey } : c.redaction.fingerprint ?? false,
  });

  let provider: LoggerProvider | undefined;
  let batch: BoundedBatchLogRecordProcessor | undefined;
  if (c.otlp) {
    const o = c.otlp;
    const exporterConfig = { url: o.url, headers: o.headers, timeoutMillis: o.timeoutMillis };
    const exporter = guardExporter(o.protocol === 'http/json' ? new OTLPJsonLogExporter(exporterConfig) : new OTLPProtoLogExporter(exporterConfig), redactor);
    batch = new BoundedBatchLogRecordProcessor(exporter, {
      maxQueueSize: o.maxQueueSize,
      maxExportBatchSize: o.maxExportBatchSize,
      scheduledDelayMillis: o.scheduledDelayMillis,
      exportTimeoutMillis: o.timeoutMillis,
    });
    provider = new LoggerProvider({ resource, processors: [new RedactingLogRecordProcessor(redactor), batch] });
    bridgeLegacyLogsApi();
    if (!logsApi.setGlobalLoggerProvider(provider)) {
      noticeOnce('global-logger', 'a global LoggerProvider was already registered; winston records go to it, not to oauth-otel\'s OTLP exporter');
    }
  }

  let stopped = false;
  const resourceFields = toResourceFields(resource.attributes);
  const logger = createLogger({
    // After shutdown the SDK drops OTel records without a trace: count them here instead.
    ...(provider ? { format: passThroughFormat(format((info) => (stopped && runtime().countDrop('logs', 'shutdown', 1), info))()) } : {}),
    level: c.level,
    stdout: c.stdout,
    otel: c.otlp !== false,
    redactor,
    resource: resourceFields,
  });
  setEventSink(
    directEventWriter({
      level: c.level,
      stdout: c.stdout ? process.stdout : undefined,
      resource: resourceFields,
      otel: provider?.getLogger('oauth-otel', VERSION),
      redactor,
      logClientId: c.logClientId,
    }),
    c.level,
  );

  // Bounded: an unreachable or hanging Collector must not hold the app's exit hostage. What is
  // still queued when the time is up is counted as dropped (reason `shutdown`).
  const bounded = async (work: Promise<unknown> | undefined, timeoutMillis: number, what: string) => {
    if (!work || !batch) return;
    if (!(await settlesWithin(work, timeoutMillis))) {
      const left = batch.pending;
      if (left > 0) runtime().countDrop('logs', 'shutdown', left);
      diag.warn(`oauth-otel: log ${what} did not finish within ${timeoutMillis} ms; ${left} record(s) dropped`);
    }
  };
  let detachSignals: (() => void) | undefined;
  return {
    logger,
    attach(handle) {
      if (c.flushOnExit) detachSignals = flushOnSignals(handle);
    },
    forceFlush: (timeoutMillis) => bounded(provider?.forceFlush(), timeoutMillis, 'flush'),
    async shutdown(timeoutMillis) {
      detachSignals?.();
      // Events after shutdown cannot be delivered: counted, not buffered.
      setEventSink(() => runtime().countDrop('logs', 'shutdown', 1));
      stopped = true;
      // The logger stays usable: later records reach the stopped processor and are counted.
      await bounded(provider?.shutdown(), timeoutMillis, 'shutdown');
    },
  };
}

/**
 * Flushes queued records on SIGTERM/SIGINT, then lets the signal take its default course. Only
 * installed when the app has no handler of its own for that signal (we never change how an app
 * exits); otherwise the app is expected to call handle.shutdown() itself.
 */
function flushOnSignals(handle: TelemetryHandle): () => void {
  const installed: [NodeJS.Signals, () => void][] = [];
  for (const sig of ['SIGTERM', 'SIGINT'] as NodeJS.Signals[]) {
    if (process.listenerCount(sig) > 0) continue;
    const onSignal = () => {
      process.removeListener(sig, onSignal);
      const timer = setTimeout(() => process.kill(process.pid, sig), 10_000);
      timer.unref();
      void handle.shutdown().finally(() => {
        clearTimeout(timer);
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      });
    };
    process.on(sig, onSignal);
    installed.push([sig, onSignal]);
  }
  return () => {
    for (const [sig, fn] of installed) process.removeListener(sig, fn);
  };
}

/** True when `p` settles (either way) within `ms`. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    t.unref();
    p.then(
      () => (clearTimeout(t), resolve(true)),
      () => (clearTimeout(t), resolve(true)),
    );
  });
}
