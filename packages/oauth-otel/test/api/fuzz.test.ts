/**
 * Property: no recording call throws into the host app, whatever it is given, and every label
 * value that reaches the exposition is bounded (vocabulary, or the capped provider set).
 * 100,000 random calls across the whole public recording API.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { METRIC_DEFINITIONS } from '../../src/catalog';
import { scrape } from '../support/prom';

const recording = Object.entries(api.oauth).filter(([, f]) => typeof f === 'function') as [string, (...a: unknown[]) => unknown][];

const cyclic: Record<string, unknown> = { provider: 'cyc' };
cyclic.self = cyclic;
const throwing = new Proxy({}, { get() { throw new Error('boom'); }, ownKeys() { throw new Error('boom'); } });
const nasty = fc.constantFrom<unknown>(
  undefined, null, NaN, -1, -0, Infinity, -Infinity, 1e308, Number.MAX_SAFE_INTEGER + 2, 2n ** 70n,
  Symbol('s'), () => 1, cyclic, throwing, 'x'.repeat(100_000), '\u0000\uffff', '__proto__', 'constructor',
  new Date(NaN), [1, 2, 3], new Map([['a', 1]]), Object.create(null), new Error('e'),
);
const value = fc.oneof(fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true, withSet: true }), nasty);
const vocabWord = fc.constantFrom(
  'success', 'failure', 'normal', 'reuse_detected', 'valid', 'user_mismatch', 'invalid_hash', 'expired', 'replayed', 'manual',
  'rfc9728', 'rfc8414', 'endpoint_error', 'invalid_grant', 'access_denied', 'hash_mismatch', 'provider_error', 'refresh_token',
);
const argObject = fc.dictionary(
  fc.constantFrom('provider', 'flowId', 'outcome', 'reason', 'error', 'durationMs', 'count', 'method', 'tokenId', 'expiresIn', 'expiresAt',
    'violationType', 'errorType', 'grantType', 'refreshed', 'failed', 'expiringSoon', 'stage', 'classification', 'familyRevoked', 'side',
    'flowIds', 'tokenIds', 'refreshToken', 'token', 'clientId', 'startedAt', 'ttlMs', 'httpStatus'),
  fc.oneof(value, vocabWord, fc.string(), fc.double(), fc.webUrl()),
);
const call = fc.record({ fn: fc.integer({ min: 0, max: recording.length - 1 }), args: fc.array(fc.oneof(argObject, value), { maxLength: 3 }) });

let handle: api.TelemetryHandle;
beforeAll(async () => {
  handle = await api.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false, providers: { cap: 20 } });
});
afterAll(() => handle.shutdown());

test('100,000 random calls never throw synchronously and never reject unexpectedly', async () => {
  let calls = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(call, { minLength: 100, maxLength: 100 }), async (batch) => {
      for (const c of batch) {
        const [name, fn] = recording[c.fn]!;
        calls++;
        let result: unknown;
        expect(() => { result = fn(...c.args); }).not.toThrow();
        if (name.startsWith('track') && result instanceof Promise) {
          // Wrappers pass the operation's own error through; the fuzzed "operation" is not a function.
          await result.catch(() => undefined);
        }
      }
    }),
    { numRuns: 1000 },
  );
  expect(calls).toBe(100_000);
}, 240_000);

test('every exposed label value is bounded', async () => {
  const { families } = await scrape(handle.metricsUrl!);
  const providers = new Set<string>();
  for (const d of METRIC_DEFINITIONS) {
    const f = families.get(d.name);
    if (!f) continue;
    for (const s of f.samples) {
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le' || label === 'otel_metric_overflow') continue;
        const domain = d.labels[label];
        expect(domain).toBeDefined();
        if (domain === 'provider') providers.add(v);
        else expect({ metric: d.name, label, value: v, ok: (domain as readonly string[]).includes(v) }).toMatchObject({ ok: true });
      }
    }
  }
  // cap 20 + `other` + `unknown` (absent provider)
  expect(providers.size).toBeLessThanOrEqual(22);
  for (const p of providers) expect(p).toMatch(/^[a-z0-9._-]{1,64}$/);
});
