import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
  type ReadableLogRecord,
  type ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import type { TelemetryDropReason } from '../catalog/vocabularies';
import { runtime } from '../internal/runtime';
import { reportDrop } from '../internal/diag';
import { readProp } from '../internal/safe';
import type { Redactor } from '../redaction';
import { PRE_REDACTED_BY } from './fast-info';

/**
 * Redacts every log record in place before any other processor sees it: body, attributes (at
 * any depth) and the exception.* attributes the winston transport builds from Errors. Put it
 * FIRST: processors share one record and an exporter may serialize synchronously.
 * It also covers records from other OTel sources in the app (instrumentations, other loggers).
 */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly redactor: Redactor) {}

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    try {
      // Built by createLogger()'s hot path from this redactor's own walk: nothing would change.
      if (context !== undefined && context.getValue(PRE_REDACTED_BY) === this.redactor) return;
      const body = record.body;
      if (body !== undefined && body !== null) {
        const red = typeof body === 'string' ? this.redactor.redactString(body) : this.redactor.redact(body);
        if (red !== body) record.setBody(red as never);
      }
      const attrs = record.attributes as Record<string, unknown>;
      const red = this.redactor.redact(attrs) as Record<string, unknown>;
      if (red !== attrs) {
        for (const k of Object.keys(attrs)) if (red[k] !== attrs[k]) record.setAttribute(k, red[k] as never);
      }
    } catch {
      // A record we cannot prove clean is not exported.
      try {
        record.setBody('[REDACTED: record could not be redacted]');
        for (const k of Object.keys(record.attributes)) delete (record.attributes as Record<string, unknown>)[k];
      } catch {
        /* never throw into the emitting code */
      }
      runtime().countDrop('logs', 'invalid_value', 1);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Counts what the batch processor would drop silently: a full queue, failed exports, late records. */
class AccountingExporter implements LogRecordExporter {
  /** Records handed to the batch processor and not yet handed to the exporter. */
  queued = 0;
  /** Records handed to the exporter whose export has not completed. */
  inFlight = 0;

  constructor(
    private readonly inner: LogRecordExporter,
    private readonly drop: (reason: TelemetryDropReason, n: number) => void,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.queued = Math.max(0, this.queued - records.length);
    this.inFlight += records.length;
    this.inner.export(records, (result) => {
      this.inFlight -= records.length;
      if (result.code !== ExportResultCode.SUCCESS) this.drop('export_failed', records.length);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The SDK BatchLogRecordProcessor's own default queue bound. */
const DEFAULT_MAX_QUEUE = 2048;

export interface BoundedBatchOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/**
 * The SDK's BatchLogRecordProcessor with its silent drops made visible: records beyond the queue
 * bound, failed exports and records emitted after shutdown are counted in
 * `oauth_telemetry_dropped_total{signal="logs"}`. Memory stays bounded by `maxQueueSize`.
 */
export class BoundedBatchLogRecordProcessor implements LogRecordProcessor {
  private readonly exporter: AccountingExporter;
  private readonly batch: BatchLogRecordProcessor;
  private stopped = false;

  constructor(
    exporter: LogRecordExporter,
    private readonly options: BoundedBatchOptions,
  ) {
    const drop = (reason: TelemetryDropReason, n: number) => runtime().countDrop('logs', reason, n);
    this.exporter = new AccountingExporter(exporter, drop);
    this.batch = new BatchLogRecordProcessor({ exporter: this.exporter, ...options });
  }

  /** Runs inside the app's `logger.emit()` (the SDK does not catch): a failure drops the record, counted. */
  onEmit(record: ReadWriteLogRecord, _context?: Context): void {
    const rt = runtime();
    if (this.stopped) {
      rt.countDrop('logs', 'shutdown', 1);
      return;
    }
    // Options may be missing or hostile when constructed from JavaScript: the SDK's bound then.
    const max = readProp(this.options, 'maxQueueSize');
    if (this.exporter.queued >= (typeof max === 'number' && max > 0 ? max : DEFAULT_MAX_QUEUE)) {
      rt.countDrop('logs', 'queue_full', 1);
      return;
    }
    this.exporter.queued++;
    try {
      this.batch.onEmit(record);
    } catch {
      this.exporter.queued--;
      reportDrop('logs', 'invalid_value', 'batch-onemit', 'a log record could not be queued for export and was dropped');
    }
  }

  /** Records not yet delivered: queued plus in an export that has not completed. */
  get pending(): number {
    return this.exporter.queued + this.exporter.inFlight;
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return this.batch.shutdown();
  }
}
