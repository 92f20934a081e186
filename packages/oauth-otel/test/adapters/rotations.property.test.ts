/**
 * The adapter's rotation ledger (src/adapters/oidc-provider/rotations.ts) against a reference
 * model, for generated sequences of rotations, lookups and clock steps, and its bound at the cap.
 */
import fc from 'fast-check';
import { RotationLedger } from '../../src/adapters/oidc-provider/rotations';

type Op = { kind: 'record'; jti: number; ip: string | undefined; dt: number } | { kind: 'get'; jti: number; dt: number };

/** The specification: the newest rotation of each jti, dropped once older than the window or once
 *  `maxTracked` newer rotations exist. */
class Model {
  private entries: { jti: string; at: number; ip: string | undefined }[] = [];
  constructor(
    private windowMs: number,
    private maxTracked: number,
  ) {}
  record(jti: string, ip: string | undefined, now: number) {
    this.entries = this.entries.filter((e) => now - e.at <= this.windowMs);
    this.entries.push({ jti, at: now, ip });
    this.entries = this.entries.slice(-this.maxTracked);
  }
  get(jti: string) {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.jti === jti) return { at: this.entries[i]!.at, ip: this.entries[i]!.ip };
    return undefined;
  }
}

const jtis = Array.from({ length: 12 }, (_, i) => `jti-${i}-${'x'.repeat(i * 3)}`);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('record' as const), jti: fc.nat(11), ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }), dt: fc.nat(700) }),
  fc.record({ kind: fc.constant('get' as const), jti: fc.nat(11), dt: fc.nat(700) }),
);

test('answers like the model for any sequence of rotations, lookups and clock steps', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (windowMs, maxTracked, ops) => {
      const ledger = new RotationLedger(windowMs, maxTracked);
      const model = new Model(windowMs, maxTracked);
      let now = 1_000_000;
      for (const o of ops) {
        now += o.dt;
        const jti = jtis[o.jti]!;
        if (o.kind === 'record') {
          ledger.record(jti, o.ip, now);
          model.record(jti, o.ip, now);
        } else {
          // both expire on record only: a lookup may return an entry past the window, and the
          // adapter compares its age with the window itself
          const got = ledger.get(jti);
          expect(got === undefined ? undefined : { at: got.at, ip: got.ip }).toEqual(model.get(jti));
        }
        expect(ledger.size).toBeLessThanOrEqual(maxTracked);
      }
    }),
    { numRuns: 300 },
  );
});

test('an entry within the window is found until maxTracked newer rotations push it out; size never passes the cap', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60 }), (maxTracked, newer) => {
      const ledger = new RotationLedger(10_000, maxTracked);
      ledger.record('target', '10.0.0.9', 1);
      for (let i = 0; i < newer; i++) ledger.record(`other-${i}`, undefined, 2 + i);
      expect(ledger.get('target') !== undefined).toBe(newer < maxTracked);
      expect(ledger.size).toBe(Math.min(maxTracked, newer + 1));
    }),
  );
});

test('past its initial storage (256 slots) the ledger grows, from any ring position, and still answers like the model', () => {
  const many = Array.from({ length: 1500 }, (_, i) => `jti-${i}`);
  fc.assert(
    fc.property(
      fc.integer({ min: 200, max: 5000 }),
      fc.integer({ min: 257, max: 1200 }),
      fc.array(fc.record({ jti: fc.nat(1499), dt: fc.nat(12), ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }) }), { minLength: 300, maxLength: 1600 }),
      fc.array(fc.nat(1499), { maxLength: 40 }),
      (windowMs, maxTracked, records, lookups) => {
        const ledger = new RotationLedger(windowMs, maxTracked);
        const model = new Model(windowMs, maxTracked);
        let now = 5_000_000;
        records.forEach((r, k) => {
          // slow traffic first (entries expire, the ring's head moves), then a burst (it grows)
          now += k < records.length / 2 ? r.dt * 20 : r.dt;
          ledger.record(many[r.jti]!, r.ip, now);
          model.record(many[r.jti]!, r.ip, now);
          // lookups spread over the sequence (before and after each growth)
          if (k % 97 === 0) for (const j of lookups) {
            const got = ledger.get(many[j]!);
            expect(got === undefined ? undefined : { at: got.at, ip: got.ip }).toEqual(model.get(many[j]!));
          }
        });
        for (const j of [...lookups, ...records.slice(-20).map((r) => r.jti)]) {
          const got = ledger.get(many[j]!);
          expect(got === undefined ? undefined : { at: got.at, ip: got.ip }).toEqual(model.get(many[j]!));
        }
        expect(ledger.size).toBeLessThanOrEqual(maxTracked);
      },
    ),
    { numRuns: 60 },
  );
});
