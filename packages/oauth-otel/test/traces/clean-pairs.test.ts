/**
 * RedactingSpanProcessor remembers the (key, value) string attributes its redactor left unchanged
 * and skips them on later spans (the adapter's event attributes repeat on every request). The memo
 * must never change what a span carries: for any mix of clean and secret attributes, seen once or
 * many times, in any order, past the memo's capacity, the exported attributes equal those of a
 * processor that never saw anything before.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import * as api from '../../src';
import { nameArb, secretArb } from '../support/leak-arbitraries';

function pipeline() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new api.RedactingSpanProcessor(api.createRedactor()), new SimpleSpanProcessor({ exporter })] });
  return { exporter, provider, tracer: provider.getTracer('clean-pairs') };
}

type Attrs = Record<string, string>;
function exported(p: ReturnType<typeof pipeline>, attrs: Attrs): ReadableSpan {
  p.exporter.reset();
  const s = p.tracer.startSpan('POST /token', { attributes: attrs });
  s.addEvent('oauth.server.token.issued', attrs);
  s.end();
  return p.exporter.getFinishedSpans()[0]!;
}

const valueArb = fc.oneof(
  fc.constantFrom('token', 'success', 'client_credentials', 'refresh_token', '127.0.0.1', 'POST', '/token', 'oauth.example'),
  fc.string({ maxLength: 40 }),
  secretArb,
  secretArb.map((s) => `Bearer ${s}`),
  fc.string({ minLength: 250, maxLength: 300 }),
);
const keyArb = fc.oneof(fc.constantFrom('oauth.endpoint', 'oauth.grant_type', 'http.route', 'detail'), nameArb);
const attrsArb = fc.dictionary(keyArb, valueArb, { minKeys: 1, maxKeys: 6 });

const warm = pipeline();
afterAll(() => warm.provider.shutdown());

test('a processor that remembered clean pairs exports exactly what a fresh one exports', () => {
  fc.assert(
    fc.property(fc.array(attrsArb, { minLength: 1, maxLength: 8 }), (records) => {
      for (const attrs of [...records, ...records]) {
        const fresh = pipeline();
        const a = exported(warm, attrs);
        const b = exported(fresh, attrs);
        void fresh.provider.shutdown();
        expect(a.attributes).toEqual(b.attributes);
        expect(a.events[0]!.attributes).toEqual(b.events[0]!.attributes);
      }
    }),
    { numRuns: 200 },
  );
});

test('the memo stays bounded and correct past its capacity: many unique clean values, then a secret under a once-clean key', () => {
  const p = pipeline();
  for (let i = 0; i < 10_000; i++) exported(p, { 'http.route': `/items/${i}` });
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const s = exported(p, { 'http.route': secret });
  expect(JSON.stringify(s.attributes)).not.toContain(secret);
  expect(s.attributes['http.route']).toEqual(exported(pipeline(), { 'http.route': secret }).attributes['http.route']);
  void p.provider.shutdown();
});
