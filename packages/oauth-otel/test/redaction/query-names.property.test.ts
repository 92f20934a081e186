/**
 * secretQueryParameters(): which secret parameters a URL query names (the observer's and the AS
 * adapter's "token in a URL" check). By class: the verdict depends on the names only, never on
 * the values; every secret name of the redaction catalog is found wherever it stands; names the
 * catalog calls harmless, or ambiguous (`code`, `state`), never are; any string is total; and the
 * scan is linear, bounded by QUERY_SCAN_LIMIT, measured against JSON.stringify of the same input.
 */
import fc from 'fast-check';
import { QUERY_PARAMS_LIMIT, QUERY_SCAN_LIMIT, secretQueryParameters } from '../../src/redaction/query-names';
import { SECRET_KEYS } from '../../src/redaction/keys';
import { TOKEN_IN_URL_PARAMETER } from '../../src/catalog';
import { bestRatioToStringify } from '../support/budget';

/** Query-safe secret names of the catalog (`set-cookie` and `connect.sid` included: they are names too). */
const SECRET_NAMES = SECRET_KEYS.filter((k) => k !== 'code' && k !== 'state');
const HARMLESS = ['page', 'q', 'lang', 'code', 'state', 'redirect_uri', 'client_id', 'scope', 'token_type', 'max_tokens', 'next_page_token', 'code_challenge', 'id_token_hint', 'response_type', 'resource', 'dpop_jkt'];

const value = fc.string({ minLength: 1, maxLength: 40 }).map((v) => encodeURIComponent(v));
const harmlessPair = fc.tuple(fc.constantFrom(...HARMLESS), value).map(([k, v]) => `${k}=${v}`);

test('a secret name is found among harmless ones, wherever it stands, as its label or other', () => {
  fc.assert(
    fc.property(fc.array(harmlessPair, { maxLength: 10 }), fc.constantFrom(...SECRET_NAMES), value, fc.nat(), (pairs, name, v, at) => {
      const all = [...pairs];
      all.splice(at % (all.length + 1), 0, `${encodeURIComponent(name)}=${v}`);
      const found = secretQueryParameters(all.join('&'));
      const label = (TOKEN_IN_URL_PARAMETER as readonly string[]).includes(name) ? name : 'other';
      expect(found).toEqual([label]);
    }),
  );
});

test('harmless and ambiguous names are never reported, whatever their values', () => {
  fc.assert(
    fc.property(fc.array(harmlessPair, { maxLength: 20 }), (pairs) => {
      expect(secretQueryParameters(pairs.join('&'))).toEqual([]);
    }),
  );
});

test('the verdict depends on the names only: any values give the same answer', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...HARMLESS, ...SECRET_NAMES), { minLength: 1, maxLength: 12 }), fc.array(value, { minLength: 12, maxLength: 12 }), fc.array(value, { minLength: 12, maxLength: 12 }), (names, a, b) => {
      const q = (vals: string[]) => names.map((n, i) => `${n}=${vals[i]}`).join('&');
      expect(secretQueryParameters(q(a))).toEqual(secretQueryParameters(q(b)));
    }),
  );
});

test('total on any string; at most one entry per label; names without a value carry nothing', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (s) => {
      const out = secretQueryParameters(s);
      expect(new Set(out).size).toBe(out.length);
      for (const p of out) expect(TOKEN_IN_URL_PARAMETER).toContain(p);
    }),
  );
  expect(secretQueryParameters('access_token&refresh_token=')).toEqual([]);
  expect(secretQueryParameters('%E0%A4%A=1&access%5Ftoken=x')).toEqual(['access_token']);
});

test('bounded: parameters past QUERY_PARAMS_LIMIT or bytes past QUERY_SCAN_LIMIT are not read', () => {
  expect(secretQueryParameters(`${'a=1&'.repeat(QUERY_PARAMS_LIMIT)}access_token=x`)).toEqual([]);
  expect(secretQueryParameters(`q=${'x'.repeat(QUERY_SCAN_LIMIT)}&access_token=x`)).toEqual([]);
});

/**
 * 30×: measured 4–14× on a loaded 2-core machine (a name is sliced, decoded and looked up, three
 * passes against JSON.stringify's one); a pass quadratic in the 64 parameters would cost ~64× more.
 */
describe('linear: at most 30× JSON.stringify of the same query, on the worst inputs', () => {
  test.each([
    ['long distinct secret-looking names', () => Array.from({ length: 64 }, (_, i) => `x_${'y'.repeat(100)}${i}_access_token=v`).join('&')],
    ['percent-encoded names', () => Array.from({ length: 64 }, (_, i) => `${'%61'.repeat(40)}${i}=v`).join('&')],
    ['one 8 KiB value', () => `access_token=${'v'.repeat(QUERY_SCAN_LIMIT)}`],
    ['separators only', () => '&='.repeat(QUERY_SCAN_LIMIT)],
  ])('%s', (name, make) => {
    const ratio = bestRatioToStringify(secretQueryParameters, make(), 200);
    report.push(`  ${name}: ${ratio.toFixed(1)}×`);
    expect(ratio).toBeLessThan(30);
  });
});

const report: string[] = [];
afterAll(() => process.stdout.write(`query-names ratios (secretQueryParameters / JSON.stringify):\n${report.join('\n')}\n`));
