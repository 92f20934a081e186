/**
 * The detectors' state grows with traffic, so every map is bounded: whatever a long-running
 * process (or a hostile AS minting endless tokens and issuers) feeds them, sizes stay at their caps,
 * and detection keeps working for recent entries.
 */
import fc from 'fast-check';
import { Detectors } from '../../src/observe/detectors';
import { BoundedMap } from '../../src/observe/bounded';

test('BoundedMap never exceeds its cap and keeps the newest entries', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 500 }), (cap, keys) => {
      const m = new BoundedMap<number, number>(cap);
      for (const k of keys) m.set(k, k);
      expect(m.size).toBeLessThanOrEqual(cap);
      if (keys.length > 0) expect(m.get(keys[keys.length - 1]!)).toBe(keys[keys.length - 1]);
    }),
    { numRuns: 500 },
  );
});

test('100,000 rotations and grants, 2,000 issuers: state stays at its caps, recent rotations still detected', () => {
  const d = new Detectors();
  for (let i = 0; i < 100_000; i++) {
    d.granted(`https://as${i % 2000}.example`, `g${i}`, 'https://rs.example/', 'read');
    d.refreshed(`https://as${i % 2000}.example`, `g${i}`, `n${i}`, 'https://rs.example/', 'read');
  }
  for (let i = 0; i < 2000; i++) d.metadata(`https://as${i}.example`, { s256: true, issParameter: true, registration: true });
  const internals = d as unknown as Record<string, { size: number; cap: number }>;
  for (let i = 0; i < 30_000; i++) d.clientUsed(`https://as${i % 2000}.example`, `client-${i}`);
  for (const name of ['rotated', 'grants', 'invalidGrants', 'capabilities', 'clients']) {
    expect({ name, within: internals[name]!.size <= internals[name]!.cap }).toEqual({ name, within: true });
  }
  expect(d.rotated.size).toBe(d.rotated.cap);
  expect(d.rotated.has('g99999')).toBe(true);
  expect(d.rotated.has('g0')).toBe(false);
});
