/**
 * Bring your own SDK, logs side: the redacting processors for your LoggerProvider, and the two
 * ways to route the recording API's OAuth events into your pipeline.
 */
import { logs as logsApi } from '@opentelemetry/api';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { Logger as WinstonLogger } from 'winston';
import { setEventSink } from '../api/events';
import { createRedactor, type RedactionOptions } from '../redaction';
import type { LogLevel } from '../types';
import { VERSION } from '../version';
import { directEventWriter, winstonEventWriter } from './event-writer';
import { resourceFields, type ResourceFields } from './format';
import { defaultLevel } from './levels';
import { guardExporter } from './egress';
import { defaultLogRedactor } from './default-redactor';
import { BoundedBatchLogRecordProcessor, RedactingLogRecordProcessor, type BoundedBatchOptions } from './processor';

export interface OAuthLogProcessorsOptions {
  /** Where records go (e.g. `new OTLPLogExporter()`); omit to get only the redacting processor. */
  exporter?: LogRecordExporter;
  redaction?: RedactionOptions;
  batch?: Partial<BoundedBatchOptions>;
}

/**
 * For an app that runs its own NodeSDK: `new NodeSDK({ logRecordProcessors:
 * createOAuthLogRecordProcessors({ exporter }) })`. The redacting processor is first, so every
 * record (winston's and any other OTel source's) is clean before anything else sees it.
 */
export function createOAuthLogRecordProcessors(options: OAuthLogProcessorsOptions = {}): LogRecordProcessor[] {
  // The default policy's redactor is the one createLogger() uses by default: the processor then
  // recognizes that logger's records as already redacted by it (fast-info.ts PRE_REDACTED_BY).
  const redactor = options.redaction === undefined ? defaultLogRedactor() : createRedactor(options.redaction);
  const processors: LogRecordProcessor[] = [new RedactingLogRecordProcessor(redactor)];
  if (options.exporter) {
    processors.push(
      new BoundedBatchLogRecordProcessor(guardExporter(options.exporter, redactor), {
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 1000,
        exportTimeoutMillis: 30_000,
        ...options.batch,
      }),
    );
  }
  return processors;
}

/**
 * Bring your own SDK: sends the recording API's OAuth events (flows, tokens, security events)
 * through `logger` (e.g. one from createLogger()). Events recorded before are flushed to it.
 */
export function setOAuthEventLogger(logger: WinstonLogger, options: { logClientId?: boolean } = {}): void {
  setEventSink(winstonEventWriter(logger, options.logClientId === true));
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
  const level = options.level ?? defaultLevel();
  const stdout = options.stdout === false ? undefined : options.stdout === true || options.stdout === undefined ? process.stdout : options.stdout;
  setEventSink(
    directEventWriter({
      level,
      stdout,
      resource: options.resource ?? resourceFields(),
      otel: options.otel === false ? undefined : logsApi.getLogger('oauth-otel', VERSION),
      redactor: createRedactor(options.redaction),
      logClientId: options.logClientId === true,
    }),
    level,
  );
}
