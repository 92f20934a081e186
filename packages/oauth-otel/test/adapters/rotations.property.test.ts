/**
 * The adapter's rotation ledger (src/adapters/oidc-provider/rotations.ts) against a reference
 * model, for generated sequences of rotations, lookups and clock steps; and its per-operation cost
 * held flat against a Map baseline in this process whatever the number of expired entries behind
 * it (a Map used as a queue slows down with every deletion at its head).
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

test('an entry within the window is found until maxTracked newer rotations push it out', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60 }), (maxTracked, newer) => {
      const ledger = new RotationLedger(10_000, maxTracked);
      ledger.record('target', '10.0.0.9', 1);
      for (let i = 0; i < newer; i++) ledger.record(`other-${i}`, undefined, 2 + i);
      expect(ledger.get('target') !== undefined).toBe(newer < maxTracked);
    }),
  );
});

test('cost per rotation stays flat (vs a Map baseline) after 200,000 evictions at the cap', () => {
  const keys = Array.from({ length: 65_536 }, (_, i) => `${i}-aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9`);
  const nsPer = (fn: (i: number) => void, n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    return Number(process.hrtime.bigint() - t0) / n;
  };
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  // A long window: the cap (10,000) is what evicts, one entry per rotation once full, as under a
  // refresh storm. A Map used as a queue grows 5-100x slower here as deleted slots pile up.
  let now = 0;
  const aged = new RotationLedger(1e9, 10_000);
  for (let i = 0; i < 200_000; i++) aged.record(keys[i & 65_535]!, undefined, ++now);
  // baseline: overwriting entries of a Map that already holds every key (no growth, no GC)
  const m = new Map<string, number>(keys.map((k, i) => [k, i]));
  const ratios = { fresh: [] as number[], aged: [] as number[] };
  // interleaved rounds, so that load on a shared machine hits both alike
  for (let r = 0; r < 7; r++) {
    const fresh = new RotationLedger(1e9, 10_000);
    for (const [name, ledger] of [['fresh', fresh], ['aged', aged]] as const) {
      const base = nsPer((i) => m.set(keys[(i + r * 8192) & 65_535]!, i), 8192);
      const path = nsPer((i) => ledger.record(keys[(i + r * 8192) & 65_535]!, undefined, ++now), 8192);
      ratios[name].push(path / base);
    }
  }
  const growth = median(ratios.aged) / median(ratios.fresh);
  expect({ growth: Math.round(growth), fresh: ratios.fresh.map(Math.round), aged: ratios.aged.map(Math.round), flat: growth < 4 }).toMatchObject({ flat: true });
});
