/**
 * isCleanJson (the egress guard's clean-line path) must never say "clean" when the walk would
 * change something: for any JSON, a true verdict means redact() gives back equal data.
 */
import fc from 'fast-check';
import { createRedactor, isCleanJson } from '../../src/redaction';

const redactors = [createRedactor(), createRedactor({ fingerprint: { key: 'clean-json-test-key-0123456789abcdef' } })];
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('code', 'state', 'password', 'token', 'exception.code', 'authorization', 'error', 'event', 'kty', 'd', 'claims',
    'id_token', 'name', 'value', 'key', 'cookie', 'headers', 'argv', 'message', 'Authorization: Bearer x', 'access_token=x'),
);
const str = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.constantFrom('Bearer abcdefghijklmnop1234', 'code=abc&state=xyz', 'ghp_0123456789abcdefghijABCDEFGHIJ', 'invalid_grant', 'ECONNRESET',
    '-u', 'user:pass', '--password', 'authorization', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'RSA', 'sid', 'token refreshed', 'https://a.example/cb?x=1'),
);
const json = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 5 })),
})).v;

describe('isCleanJson', () => {
  it('says clean only when redact() gives back equal data', () => {
    let clean = 0;
    let total = 0;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 1 }), (d, which) => {
        const r = redactors[which]!;
        const data: unknown = JSON.parse(JSON.stringify(d) ?? 'null');
        total++;
        if (isCleanJson(r, data)) {
          clean++;
          expect(r.redact(data)).toEqual(data);
        }
      }),
      { numRuns: 4000 },
    );
    // Not vacuous: both verdicts occur.
    expect(clean).toBeGreaterThan(total / 10);
    expect(clean).toBeLessThan(total);
  });

  it('says clean for an ordinary stdout line, and not for one with a secret', () => {
    const r = redactors[0]!;
    const line = { time: '2026-12-03T13:57:15.895Z', level: 'warn', message: 'token refresh failed', event: 'oauth.token.refresh', 'oauth.provider': 'github', error: 'invalid_grant', error_description: 'The refresh token is invalid', duration_ms: 182, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' };
    expect(isCleanJson(r, line)).toBe(true);
    expect(isCleanJson(r, { ...line, nested: { access_token: 'abc' } })).toBe(false);
    expect(isCleanJson(r, { ...line, message: 'Bearer abcdefghijklmnop1234' })).toBe(false);
    expect(isCleanJson(r, { ...line, argv: ['curl', '-u', 'user:pass'] })).toBe(false);
  });

  it('is false for a redactor it did not make', () => {
    expect(isCleanJson({ redact: (v) => v, redactString: (s) => s }, { a: 1 })).toBe(false);
  });
});
