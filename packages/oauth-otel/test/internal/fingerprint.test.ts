/**
 * Fingerprints (src/internal/fingerprint.ts), issue 15 part B: hashing costs at most a fixed
 * ratio of JSON.stringify of the same string at every size (the input is capped before the
 * HMAC), and inputs past the cap still fingerprint distinctly by prefix and length.
 */
import fc from 'fast-check';
import { fingerprint, MAX_FINGERPRINT_INPUT } from '../../src/internal/fingerprint';
import { ratioToStringify } from '../support/budget';

test('fingerprint() time per byte stays within 20x of JSON.stringify of the same string, 1 KB to 10 MB', () => {
  const ratios: Record<string, number> = {};
  // From 1 KB up: below it the HMAC's fixed per-call cost dominates a ~50 ns stringify (measured 12-20x at 64 B).
  for (const size of [1024, MAX_FINGERPRINT_INPUT, 64 << 10, 1 << 20, 10 << 20]) {
    const s = 'eyJ' + 'A'.repeat(size);
    ratios[size] = ratioToStringify(fingerprint, s);
  }
  for (const [k, r] of Object.entries(ratios)) expect({ k, ok: r <= 20, r }).toEqual({ k, ok: true, r });
});

test('past the cap, inputs differing in length or in the kept prefix get different fingerprints', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), fc.string({ minLength: 1, maxLength: 4 }), (extra, tail) => {
      const a = 'k'.repeat(MAX_FINGERPRINT_INPUT + extra);
      expect(fingerprint(a)).not.toBe(fingerprint(a + tail));
      expect(fingerprint(a)).toBe(fingerprint('k'.repeat(MAX_FINGERPRINT_INPUT + extra)));
      expect(fingerprint(a)).toMatch(/^[0-9a-f]{12}$/);
    }),
    { numRuns: 100 },
  );
});
