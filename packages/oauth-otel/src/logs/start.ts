import { logs as logsApi } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import { format, type Logger as WinstonLogger } from 'winston';
import type { LogsOptions, TelemetryHandle } from '../types';
import type { ResolvedConfig } from '../init/config';
import { diag } from '@opentelemetry/api';
import { noticeOnce } from '../internal/diag';
import { runtime } from '../internal/runtime';
import { setEventSink, type OAuthEvent } from '../api/events';
import { createRedactor, type RedactionOptions } from '../redaction';
import { defaultLevel } from './levels';
import type { ResourceFields } from './format';
import type { LogLevel } from '../types';
import { resolveLogs } from './config';
import { createLogger } from './logger';
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
export async function startLogs(options: LogsOptions, resource: Resource, cfg: ResolvedConfig): Promise<LogsSide> {
  const c = resolveLogs(options);
  const fingerprintKey = cfg.fingerprintKey ?? runtime().fingerprintKey;
  const redactor = createRedactor({
    ...(c.redaction.extraKeys ? { extraKeys: c.redaction.extraKeys } : {}),
    ...(c.redaction.extraPatterns ? { extraPatterns: c.redaction.extraPatterns } : {}),
    ...(c.redaction.allowKeys ? { allowKeys: c.redaction.allowKeys } : {}),
    ...(c.redaction.fingerprint ? { fingerprint: { key: fingerprintKey } } : {}),
  });

  let provider: LoggerProvider | undefined;
  let batch: BoundedBatchLogRecordProcessor | undefined;
  if (c.otlp) {
    const o = c.otlp;
    const exporterConfig = { url: o.url, headers: o.headers, timeoutMillis: o.timeoutMillis };
    const exporter = o.protocol === 'http/json' ? new OTLPJsonLogExporter(exporterConfig) : new OTLPProtoLogExporter(exporterConfig);
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
  const attrs = resource.attributes;
  const resourceFields = {
    service_name: String(attrs['service.name'] ?? 'unknown_service:node'),
    ...(attrs['service.version'] !== undefined ? { service_version: String(attrs['service.version']) } : {}),
    ...(attrs['deployment.environment.name'] !== undefined ? { deployment_environment_name: String(attrs['deployment.environment.name']) } : {}),
  };
  const logger = createLogger({
    // After shutdown the SDK drops OTel records without a trace: count them here instead.
    ...(provider ? { format: format((info) => (stopped && runtime().countDrop('logs', 'shutdown', 1), info))() } : {}),
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

/** Writes recorded OAuth events through a winston logger, in the one log schema. */
export function oauthEventWriter(logger: WinstonLogger, logClientId: boolean): (e: OAuthEvent) => void {
  return (e) => {
    const rec: Record<string, unknown> = { level: e.level, message: e.message, event: e.event, 'otel.event.name': e.event };
    for (const k in e.attributes) {
      const v = e.attributes[k];
      if (v !== undefined && (logClientId || k !== 'oauth.client_id')) rec[k] = v;
    }
    if (e.error !== undefined) rec.err = e.error;
    logger.log(rec as never);
  };
}

/**
 * Bring your own SDK: sends the recording API's OAuth events (flows, tokens, security events)
 * through `logger` (e.g. one from createLogger()). Events recorded before are flushed to it.
 */
export function setOAuthEventLogger(logger: WinstonLogger, options: { logClientId?: boolean } = {}): void {
  setEventSink(oauthEventWriter(logger, options.logClientId === true));
}

export interface OAuthEventLogOptions {
  /** Default `LOG_LEVEL`, else production info, test warn, otherwise debug. */
  level?: LogLevel;
  /** JSON lines to stdout (true, default), to another stream, or nowhere (false). */
  stdout?: boolean | { write(line: string): unknown };
  /** Send events to the global OTel LoggerProvider (your SDK's). Default true. */
  otel?: boolean;
  redaction?: RedactionOptions;
  logClientId?: boolean;
  /** Resource fields repeated on stdout lines. Default from `OTEL_SERVICE_NAME` / `NODE_ENV`. */
  resource?: ResourceFields;
}

/**
 * Bring your own SDK, fast path: the recording API's events go straight to stdout JSON and to the
 * global OTel logs API (your SDK's provider; put createOAuthLogRecordProcessors() first in it),
 * in the same schema as initTelemetry() writes, without a winston round trip per event.
 */
export function enableOAuthEventLogs(options: OAuthEventLogOptions = {}): void {
  const stdout = options.stdout === false ? undefined : options.stdout === true || options.stdout === undefined ? process.stdout : options.stdout;
  setEventSink(
    directEventWriter({
      level: options.level ?? defaultLevel(),
      stdout,
      resource: options.resource ?? { service_name: process.env.OTEL_SERVICE_NAME || 'unknown_service:node', deployment_environment_name: process.env.NODE_ENV || 'development' },
      otel: options.otel === false ? undefined : logsApi.getLogger('oauth-otel', VERSION),
      redactor: createRedactor(options.redaction),
      logClientId: options.logClientId === true,
    }),
  );
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
