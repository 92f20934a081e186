/**
 * Leak gate, spans (docs/logs.md, Redaction; issue 13): generated secrets, in every form the log
 * gate plants them (keyed, free text in any encoding, thrown errors), go through every recording
 * and track* input that takes caller values — flow ids (the OAuth state), providers, error codes,
 * tokens, thrown errors — and through the app's own spans on the same pipeline (an HTTP server span
 * whose URL, attributes and events carry them). With RedactingSpanProcessor first, the secret's
 * bytes (whole, encoded, 10-character windows) appear in no span name, attribute, event, link or
 * status of anything exported.
 */
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import * as api from '../../src';
import { carrierArb, forms, nameArb, secretArb } from '../support/leak-arbitraries';

const CASES = 2_000;
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new api.RedactingSpanProcessor(api.createRedactor()), new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The bring-your-own path, named explicitly this time (the flow test uses the global proxy).
  api.setOAuthTracerProvider(provider);
});
afterAll(async () => {
  api.setOAuthTracerProvider(undefined);
  await provider.shutdown();
});

function serialize(s: ReadableSpan): string {
  return JSON.stringify({ n: s.name, a: s.attributes, e: s.events, l: s.links.map((l) => l.attributes), st: s.status });
}

test(`${CASES} planted secrets through the recording API and the app's spans: no byte in any exported span`, async () => {
  let n = 0;
  const app = provider.getTracer('app');
  await fc.assert(
    fc.asyncProperty(secretArb, carrierArb, nameArb, async (secret, carrier, keyName) => {
      exporter.reset();
      const c = carrier(secret);
      const err = Object.assign(new Error(`token request failed: ${c.text}`), { error: c.text, [keyName]: secret });
      await app.startActiveSpan('GET /callback', {}, ROOT_CONTEXT, async (req) => {
        req.setAttribute('url.full', `https://app.example/callback?code=${encodeURIComponent(secret)}&state=${encodeURIComponent(secret)}`);
        req.setAttribute('url.query', c.text);
        req.setAttribute(keyName, secret);
        req.addEvent('note', { detail: c.text });
        api.flowStarted({ flowId: secret, provider: c.text });
        await api.continueOAuthFlow(secret, async () => {
          api.pkceStateValidated({ flowId: secret, reason: c.text as never, provider: c.text });
          await api.trackCodeExchange(() => Promise.reject(err), { flowId: secret }).catch(() => undefined);
          await api.trackTokenRefresh(() => Promise.reject(err), { provider: c.text }).catch(() => undefined);
          await api.trackDiscovery(c.text as never, () => Promise.reject(err), { provider: c.text }).catch(() => undefined);
          await api.trackClientRegistration(() => Promise.reject(err), { provider: c.text }).catch(() => undefined);
          await api.trackRevocation(async () => 1, { reason: c.text as never, provider: c.text });
          api.tokenRefreshed({ outcome: 'failure', error: c.text, provider: c.text, refreshToken: secret, durationMs: 5 });
          api.discoveryCompleted({ method: c.text as never, outcome: 'failure', error: c.text, provider: c.text });
          api.flowCompleted({ flowId: secret, outcome: 'failure', reason: c.text as never, error: c.text, provider: c.text });
        });
        req.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        req.end();
      });
      const spans = exporter.getFinishedSpans();
      expect(spans.length).toBeGreaterThanOrEqual(9);
      for (const s of spans) {
        const text = serialize(s);
        for (const f of forms(secret, c.extra)) if (text.includes(f)) throw new Error(`span ${s.name} leaked ${JSON.stringify(f)}:\n${text.slice(0, 2000)}`);
      }
      n++;
    }),
    { numRuns: CASES },
  );
  expect(n).toBe(CASES);
}, 300_000);

test('opaque session handles in URL paths (oidc-provider interaction ids in Next.js fetch spans) are masked; routes stay readable', () => {
  const app = provider.getTracer('next');
  const handle = fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{15,60}$/), fc.constantFrom('a', 'Z'), fc.constantFrom('0', '7'))
    .map(([s, l, d]) => `${s}${l}${d}`);
  fc.assert(
    fc.property(handle, fc.constantFrom('', '/login', '/confirm', '?x=1'), (id, tail) => {
      exporter.reset();
      const url = `http://127.0.0.1:3001/interaction/${id}${tail}`;
      const s = app.startSpan(`fetch GET ${url}`, { attributes: { 'next.span_name': `fetch GET ${url}`, 'url.full': url } });
      s.end();
      const text = serialize(exporter.getFinishedSpans()[0]!);
      expect(text).not.toContain(id);
      expect(text).toContain('/interaction/[REDACTED]');
    }),
    { numRuns: 500 },
  );
  exporter.reset();
  app.startSpan('GET /api/oauth/callback', { attributes: { 'url.path': '/.well-known/oauth-authorization-server/tenant-2024' } }).end();
  expect(serialize(exporter.getFinishedSpans()[0]!)).toContain('/.well-known/oauth-authorization-server/tenant-2024');
});
