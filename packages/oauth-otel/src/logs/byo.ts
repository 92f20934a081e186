import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createRedactor, type RedactionOptions } from '../redaction';
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
  const processors: LogRecordProcessor[] = [new RedactingLogRecordProcessor(createRedactor(options.redaction))];
  if (options.exporter) {
    processors.push(
      new BoundedBatchLogRecordProcessor(options.exporter, {
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
