/**
 * Provider labels (src/metrics/labels.ts), issue 15 part B: many distinct large inputs leave the
 * heap where it was (the memo never keeps them) and are counted as `oversize`; normalization costs
 * at most a fixed ratio of JSON.stringify of the same string, at every size.
 */
import fc from 'fast-check';
import { ProviderNormalizer, MAX_PROVIDER_INPUT } from '../../src/metrics/labels';
import { runtime } from '../../src/internal/runtime';
import { ratioToStringify, settledHeap } from '../support/budget';

const oversize = () => runtime().drops.get('metrics\u0001oversize') ?? 0;

test('150 distinct 1 MB provider strings: heap growth bounded, every one `other`, each counted', () => {
  const n = new ProviderNormalizer({ cap: 50 });
  const before = settledHeap();
  const drops0 = oversize();
  for (let i = 0; i < 150; i++) {
    // Distinct and built fresh: a cache keyed by the raw string would keep 150 MB alive.
    const s = `https://${i}.` + 'a'.repeat(1 << 20);
    expect(n.normalize(s)).toBe('other');
  }
  const grown = settledHeap() - before;
  expect(grown).toBeLessThan(8 << 20);
  expect(oversize() - drops0).toBe(150);
});

test('the memo holds no key longer than 256 characters and stays bounded, whatever the input mix', () => {
  const n = new ProviderNormalizer({ cap: 20 });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_PROVIDER_INPUT + 10 }), fc.string({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 50 }), (inputs) => {
      for (const [len, seed] of inputs) n.normalize(`https://${seed}.example/` + 'p'.repeat(len));
      const memo = (n as unknown as { memo: Map<string, string> }).memo;
      expect(memo.size).toBeLessThanOrEqual(20 * 4);
      for (const k of memo.keys()) expect(k.length).toBeLessThanOrEqual(256);
    }),
    { numRuns: 200 },
  );
});

test('normalize() costs at most 100x JSON.stringify of the same string, at every size', () => {
  const ratios: Record<string, number> = {};
  for (const size of [1024, 2048, 16 << 10, 1 << 20]) {
    for (const shape of ['url', 'token', 'name']) {
      const s = shape === 'url' ? 'https://' + 'a'.repeat(size) : shape === 'token' ? 'A'.repeat(size) : 'Provider Name '.repeat(Math.ceil(size / 14)).slice(0, size);
      const n = new ProviderNormalizer({ cap: 50 });
      const r = ratioToStringify((x: string) => n.normalize(x), s);
      ratios[`${shape}@${size}`] = r;
    }
  }
  // The memo answers short repeated strings and oversize ones are refused before any scan. Between
  // 257 and 2,048 characters every call runs the classifier (trim, lower-case, two replaces): measured
  // ~22x a flat string's JSON.stringify (a copy) on a quiet machine, 46x seen beside parallel jest
  // workers, hence 100x here; the input cap (2,048 characters) bounds that regime absolutely.
  for (const [k, r] of Object.entries(ratios)) expect({ k, ok: r <= 100, r }).toEqual({ k, ok: true, r });
});
