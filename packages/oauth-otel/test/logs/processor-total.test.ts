/**
 * The exported BoundedBatchLogRecordProcessor runs inside the app's `logger.emit()` (the SDK's
 * processor chain does not catch): built from JavaScript without its options, or handed hostile
 * records, it drops and counts instead of throwing into the app.
 */
import fc from 'fast-check';
import { InMemoryLogRecordExporter, LoggerProvider } from '@opentelemetry/sdk-logs';
import * as api from '../../src';
import { runtime } from '../../src/internal/runtime';
import { hostile } from '../support/hostile';

test('built without options, it still queues records (the SDK bound) and exports them', async () => {
  const exporter = new InMemoryLogRecordExporter();
  const p = new (api.BoundedBatchLogRecordProcessor as unknown as new (e: unknown) => api.BoundedBatchLogRecordProcessor)(exporter);
  const provider = new LoggerProvider({ processors: [p] });
  expect(() => provider.getLogger('t').emit({ body: 'hello' })).not.toThrow();
  await provider.forceFlush();
  expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['hello']);
  await provider.shutdown();
});

test('onEmit never throws, whatever it is handed, and a record it cannot queue is counted', () => {
  const p = new api.BoundedBatchLogRecordProcessor(new InMemoryLogRecordExporter(), { maxQueueSize: 8, maxExportBatchSize: 4, scheduledDelayMillis: 10, exportTimeoutMillis: 100 });
  const drops = () => [...runtime().drops.values()].reduce((a, b) => a + b, 0);
  const before = drops();
  fc.assert(
    fc.property(hostile, (r) => {
      expect(() => p.onEmit(r.build() as never)).not.toThrow();
    }),
    { numRuns: 300 },
  );
  expect(drops()).toBeGreaterThan(before);
  return p.shutdown();
});
