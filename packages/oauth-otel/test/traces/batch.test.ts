/** OTEL_BSP_*: every in-range integer is honoured as given; anything else fails init naming the variable and the range. */
import fc from 'fast-check';
import { OAuthTelemetryConfigError } from '../../src';
import { BSP_LIMITS, resolveBatch } from '../../src/traces/batch';
import { resolveTraces } from '../../src/traces/config';

const KEYS = Object.keys(BSP_LIMITS) as (keyof typeof BSP_LIMITS)[];

function caught(run: () => unknown): OAuthTelemetryConfigError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthTelemetryConfigError);
    return e as OAuthTelemetryConfigError;
  }
  throw new Error('expected a config error');
}

test('unset or blank: the OTel spec defaults', () => {
  const defaults = { scheduledDelayMillis: 5000, exportTimeoutMillis: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 };
  expect(resolveBatch({})).toEqual(defaults);
  expect(resolveBatch(Object.fromEntries(KEYS.map((k) => [BSP_LIMITS[k][0], '  '])))).toEqual(defaults);
  expect(resolveTraces({}, {})).toMatchObject({ batch: defaults });
});

test('every in-range value (padded or not) reaches the batch config as given', () => {
  const inRange = fc.record({
    scheduledDelayMillis: fc.integer({ min: 0, max: 3_600_000 }),
    exportTimeoutMillis: fc.integer({ min: 1, max: 3_600_000 }),
    maxQueueSize: fc.integer({ min: 1, max: 65_536 }),
    batchShare: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(inRange, fc.constantFrom('', ' ', '\t'), (v, pad) => {
      const maxExportBatchSize = Math.max(1, Math.floor(v.batchShare * v.maxQueueSize));
      const want = { scheduledDelayMillis: v.scheduledDelayMillis, exportTimeoutMillis: v.exportTimeoutMillis, maxQueueSize: v.maxQueueSize, maxExportBatchSize };
      const env = Object.fromEntries(KEYS.map((k) => [BSP_LIMITS[k][0], `${pad}${want[k]}${pad}`]));
      expect(resolveTraces({}, env)).toMatchObject({ batch: want });
    }),
  );
});

test('a batch size above the queue size fails naming OTEL_BSP_MAX_EXPORT_BATCH_SIZE and the queue bound', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 1, max: 65_536 }), (queue, extra) => {
      fc.pre(queue + extra <= 65_536);
      const e = caught(() => resolveBatch({ OTEL_BSP_MAX_QUEUE_SIZE: String(queue), OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(queue + extra) }));
      expect(e.option).toBe('OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
      expect(e.allowed).toBe(`an integer between 1 and ${queue} (OTEL_BSP_MAX_QUEUE_SIZE)`);
    }),
  );
  // A small queue with the default batch size is not an error: the default batch follows the queue down.
  expect(resolveBatch({ OTEL_BSP_MAX_QUEUE_SIZE: '100' }).maxExportBatchSize).toBe(100);
});

test('any other value fails init with the coded error naming the variable and its range, and echoing no long input', () => {
  const outOfRange = (k: keyof typeof BSP_LIMITS) => {
    const [, , min, max] = BSP_LIMITS[k];
    return fc.oneof(fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1e9, max: min - 1 })).map(String);
  };
  const notInteger = fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '' && !/^\s*\d+\s*$/.test(s)),
    fc.double({ noNaN: false }).filter((d) => !Number.isInteger(d)).map(String),
    fc.constantFrom('1e3', '0x10', '+5', '-0', '1_000', '5s', 'Infinity', '٣'),
  );
  fc.assert(
    fc.property(fc.constantFrom(...KEYS), fc.boolean(), fc.string(), (k, range, secret) => {
      const value = fc.sample(range ? outOfRange(k) : notInteger, 1)[0]! + (secret.length > 40 ? secret : '');
      const [name, , min, max] = BSP_LIMITS[k];
      const e = caught(() => resolveTraces({}, { [name]: value }));
      expect(e.code).toBe('ERR_OAUTH_OTEL_CONFIG');
      expect(e.option).toBe(name);
      expect(e.allowed).toBe(k === 'maxExportBatchSize' ? `an integer between ${min} and 2048 (OTEL_BSP_MAX_QUEUE_SIZE)` : `an integer between ${min} and ${max}`);
      if (secret.length > 40) expect(e.message).not.toContain(secret);
    }),
  );
});
