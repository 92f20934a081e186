/**
 * oauthErrorCode() (src/api/errors.ts), issue 15 part B: time per byte bounded by JSON.stringify
 * of the same error shape at every size (it reads at most 4 levels and never scans the message),
 * and total on any generated error chain.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { ratioToStringify } from '../support/budget';
import { anyArgument } from '../support/hostile';

function errorOf(bytes: number, depth: number): unknown {
  let e: Record<string, unknown> = { error: 'invalid_grant', error_description: 'd'.repeat(bytes), extra: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(bytes >> 4)) };
  for (let i = 0; i < depth; i++) e = { message: 'm'.repeat(bytes >> 2), cause: e };
  return e;
}

test('oauthErrorCode() costs at most 20x JSON.stringify of the same error, 100 B to 1 MB, nested or flat', () => {
  const ratios: Record<string, number> = {};
  for (const bytes of [100, 10 << 10, 1 << 20]) {
    for (const depth of [0, 2, 3]) {
      const e = errorOf(bytes, depth);
      ratios[`${bytes}/${depth}`] = ratioToStringify(api.oauthErrorCode, e);
      expect(api.oauthErrorCode(e)).toBe('invalid_grant');
    }
  }
  for (const [k, r] of Object.entries(ratios)) expect({ k, ok: r <= 20, r }).toEqual({ k, ok: true, r });
});

test('oauthErrorCode() never throws and answers a string or undefined, whatever it is given', () => {
  fc.assert(
    fc.property(anyArgument, (r) => {
      const out = api.oauthErrorCode(r.build());
      expect(out === undefined || typeof out === 'string').toBe(true);
    }),
    { numRuns: 500 },
  );
});
