/**
 * The egress guard runs only on a stdout line that holds a value the redaction walk could not
 * have seen (an object whose JSON may run hooks; src/logs/format.ts `lastJsonLineOpaque`). For every
 * other line, skipping it must change nothing: for generated flat records (secret-named keys,
 * secrets in free-text carriers, harmless keys, OAuth siblings), the line createLogger() writes
 * equals what the guard would make of it, and no planted secret survives.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { lineCapture as capture } from './capture';
import { guardLine } from '../../src/logs/egress';
import { carrierArb, forms, HARMLESS_KEYS, nameArb, NOISE, secretArb } from '../support/leak-arbitraries';

const redactor = api.createRedactor();
const out = capture();
const logger = api.createLogger({ destination: out.stream, otel: false, level: 'debug', redactor });

const fieldArb = fc.oneof(
  // a secret under a secret-looking key
  fc.tuple(nameArb, secretArb).map(([k, s]) => ({ key: k, value: s, secret: [s] })),
  // a secret inside free text under a harmless key
  fc.tuple(fc.constantFrom(...HARMLESS_KEYS), carrierArb, secretArb).map(([k, carry, s]) => {
    const c = carry(s);
    return { key: k, value: c.text, secret: [s, ...c.extra] };
  }),
  // plain values, numbers and booleans
  fc.tuple(fc.constantFrom(...HARMLESS_KEYS, 'provider', 'grant_type', 'state', 'code'), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean())).map(([k, v]) => ({ key: k, value: v, secret: [] as string[] })),
);

test('a flat record: the unguarded line is what the guard would write, and no planted secret is in it', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fieldArb, { minLength: 1, maxLength: 8 }), fc.boolean(), async (fields, withNoise) => {
      const rec: Record<string, unknown> = withNoise ? { ...NOISE } : {};
      const planted: string[] = [];
      for (const f of fields) {
        rec[f.key] = f.value;
        planted.push(...f.secret);
      }
      // a later field with the same key replaces an earlier one: only the kept values must be absent
      const kept = planted.filter((s) => Object.values(rec).some((v) => typeof v === 'string' && v.includes(s)));
      out.lines.length = 0;
      logger.info('flat record', rec);
      await new Promise(setImmediate);
      expect(out.lines).toHaveLength(1);
      const line = out.lines[0]!;
      expect(guardLine(line, redactor, 'info')).toBe(line);
      for (const s of kept) for (const form of forms(s)) expect(line.includes(form) ? form : undefined).toBeUndefined();
    }),
    { numRuns: 300 },
  );
});

test('an object value with a toJSON (the line is guarded): no planted secret reaches it', async () => {
  const secret = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...HARMLESS_KEYS), async (key) => {
      out.lines.length = 0;
      // a value whose JSON differs from what any walk of its properties sees
      const sneaky = { toJSON: () => ({ access_token: secret }) };
      logger.info('object record', { [key]: sneaky });
      await new Promise(setImmediate);
      expect(out.lines).toHaveLength(1);
      expect(out.lines[0]!.includes(secret.slice(0, 20))).toBe(false);
    }),
    { numRuns: 20 },
  );
});
