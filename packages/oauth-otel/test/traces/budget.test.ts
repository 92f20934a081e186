/**
 * Input-driven paths of tracing have a linear budget: the egress processor on span attributes
 * of any size (an app's `url.full`, `url.query`, an event's detail), and flow ids of any length.
 * Measured as time per byte against JSON.stringify of the same input in this process: the ratio
 * at 64x the size must stay within a constant factor of the ratio at 1x (a quadratic path grows
 * it ~64x). No absolute timing is asserted.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import * as api from '../../src';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new api.RedactingSpanProcessor(api.createRedactor()), new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('budget');
afterAll(() => provider.shutdown());

function best(fn: () => void, reps: number): number {
  let min = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / reps);
  }
  return min;
}

/** ns per byte of the path over ns per byte of JSON.stringify, for input `text`. */
function ratio(text: string, reps: number): number {
  const attrs = { 'url.full': text, 'url.query': text, detail: text };
  const path = best(() => {
    const s = tracer.startSpan('GET /callback', { attributes: attrs });
    s.addEvent('e', { detail: text });
    s.end();
    exporter.reset();
  }, reps);
  const base = best(() => JSON.stringify(attrs) + JSON.stringify({ detail: text }), reps);
  return path / base;
}

test('RedactingSpanProcessor: time per byte stays flat from 1 KiB to 64 KiB, whatever the text', () => {
  const unit = fc.sample(
    fc.oneof(
      fc.constant('code=abcdefgh&state=xyz&'),
      fc.constant('Bearer eyJhbGciOiJI.eyJzdWIi.c2ln '),
      fc.constant('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
      fc.constant('=&=&=&=&%%%%:::://@@@@'),
      fc.string({ minLength: 8, maxLength: 64 }),
    ),
    { numRuns: 6, seed: 42 },
  );
  for (const u of unit) {
    const small = u.repeat(Math.ceil(1024 / u.length));
    const large = u.repeat(Math.ceil((64 * 1024) / u.length));
    const r1 = ratio(small, 64);
    const r64 = ratio(large, 2);
    expect({ unit: u.slice(0, 20), growth: r64 / r1 < 8 }).toEqual({ unit: u.slice(0, 20), growth: true });
  }
});

test('flow ids of any length cost the same: the id is cut to 512 characters before it is fingerprinted or kept', () => {
  const reps = 200;
  const t = (id: string) => best(() => { api.flowStarted({ flowId: id }); api.flowCompleted({ flowId: id, outcome: 'success' }); }, reps);
  const short = t('x'.repeat(512));
  const long = t('x'.repeat(512 * 1024));
  expect(long / short).toBeLessThan(4);
});
