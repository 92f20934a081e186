/**
 * Property-based leak gate (docs/logs.md, Redaction): every case plants a freshly generated
 * high-entropy secret under a secret key or inside free text, in a random key style, encoding and
 * container, wraps it in random nesting (objects, arrays, Maps, Sets, class instances, Errors with
 * causes), and asserts that neither the secret, nor its percent/base64 forms, nor any 10-character
 * window of them appears in JSON.stringify or util.inspect of the output.
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { AMBIGUOUS_KEYS, createRedactor, redact } from '../../src/redaction';
import { byRefArb, carrierArb, forms, HARMLESS_KEYS, nameArb, NOISE, secretArb, STYLES, words, wrap, wrapsArb } from '../support/leak-arbitraries';

const fingerprinting = createRedactor({ fingerprint: { key: 'leak-suite-key-0123456789abcdef' } });
let cases = 0;

function serialize(v: unknown): string {
  const json = JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x] : x instanceof Set ? [...x] : x)) ?? '';
  const insp = inspect(v, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity, showHidden: false });
  return `${json}\n${insp}`;
}

function assertNoLeak(input: unknown, secretForms: string[]): void {
  cases++;
  for (const out of [redact(input), fingerprinting.redact(input)]) {
    const text = serialize(out);
    for (const f of secretForms) {
      if (text.includes(f)) {
        throw new Error(`leaked ${JSON.stringify(f)}\n--- output ---\n${text.slice(0, 4000)}`);
      }
    }
  }
}

/** REDACTION_LEAK_SCALE=10 runs a deeper local exploration (the default keeps CI under ~30 s). */
const SCALE = Math.max(1, Number(process.env.REDACTION_LEAK_SCALE) || 1);
const RUNS = { keyed: 3000 * SCALE, text: 4700 * SCALE, errors: 2300 * SCALE, byRef: 400 * SCALE };

describe('leak gate (fast-check)', () => {
  afterAll(() => {
    expect(cases).toBeGreaterThanOrEqual(10_000 * SCALE);
  });

  it(`secret keys in any style, any value container, any depth (${RUNS.keyed} cases)`, () => {
    fc.assert(
      fc.property(secretArb, nameArb, fc.constantFrom('string', 'bearer', 'array', 'object', 'map-entry', 'raw-headers', 'buffer-free'), wrapsArb, (s, name, shape, wraps) => {
        let v: unknown;
        switch (shape) {
          case 'string': v = { [name]: s, ...NOISE }; break;
          case 'bearer': v = { [name]: `Bearer ${s}` }; break;
          case 'array': v = { [name]: [s, `${s}2`] }; break;
          case 'object': v = { [name]: { value: s, nested: { deeper: s } } }; break;
          case 'map-entry': v = new Map([[name, s]]); break;
          case 'raw-headers': v = { rawHeaders: ['Host', 'as', STYLES.header!(name), s] }; break;
          default: v = { [name]: s, other: Buffer.from(s) };
        }
        const ambiguous = AMBIGUOUS_KEYS.some((k) => words(k).join('') === words(name.replace(/^x[-_]/i, '')).join('').toLowerCase());
        // Raw header lists only exist for header-like names (fc.pre regenerates, not counted).
        fc.pre(!(shape === 'raw-headers' && !/^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(STYLES.header!(name)) && !STYLES.header!(name).includes('-')));
        fc.pre(!(ambiguous && shape === 'raw-headers'));
        assertNoLeak(wrap(v, wraps), forms(s));
      }),
      { numRuns: RUNS.keyed },
    );
  });

  it(`secrets inside free text under harmless keys, every encoding (${RUNS.text} cases)`, () => {
    fc.assert(
      fc.property(secretArb, carrierArb, fc.constantFrom(...HARMLESS_KEYS), wrapsArb, fc.constantFrom('field', 'array', 'map-value', 'set', 'map-key'), (s, carrier, key, wraps, place) => {
        const { text, extra } = carrier(s);
        let v: unknown;
        switch (place) {
          case 'field': v = { [key]: text }; break;
          case 'array': v = [text]; break;
          case 'map-value': v = new Map([[key, text]]); break;
          case 'set': v = new Set([text]); break;
          default: v = new Map([[text, 1]]);
        }
        assertNoLeak(wrap(v, wraps), forms(s, extra));
      }),
      { numRuns: RUNS.text },
    );
  });

  it(`secrets in Error messages, stacks, properties and cause chains (${RUNS.errors} cases)`, () => {
    fc.assert(
      fc.property(secretArb, carrierArb, fc.integer({ min: 0, max: 5 }), fc.constantFrom('message', 'cause-message', 'prop', 'aggregate', 'custom-class'), wrapsArb, (s, carrier, chain, where, wraps) => {
        const { text, extra } = carrier(s);
        let e: unknown;
        switch (where) {
          case 'message': e = new Error(text); break;
          case 'cause-message': e = new TypeError('fetch failed', { cause: new Error(text) }); break;
          case 'prop': e = Object.assign(new Error('Request failed with status code 400'), { response: { data: text, status: 400 } }); break;
          case 'aggregate': e = new AggregateError([new Error(text)], 'retries exhausted'); break;
          default: {
            class OAuthError extends Error {
              override name = 'OAuthError';
              constructor(msg: string, public readonly body: string) { super(msg); }
            }
            e = new OAuthError(`token request failed: ${text}`, text);
          }
        }
        for (let i = 0; i < chain; i++) e = new Error(`level ${i}`, { cause: e });
        assertNoLeak(wrap({ err: e }, wraps.slice(0, 3)), forms(s, extra));
      }),
      { numRuns: RUNS.errors },
    );
  });

  it(`values handed back by reference never keep what the walk did not see (${RUNS.byRef} cases)`, () => {
    fc.assert(
      fc.property(secretArb, byRefArb, wrapsArb, (s, shape, wraps) => {
        // showHidden too: non-enumerable and symbol-keyed properties are what inspect may print.
        cases++;
        for (const out of [redact(wrap(shape(s), wraps)), fingerprinting.redact(wrap(shape(s), wraps))]) {
          const text = `${serialize(out)}\n${inspect(out, { depth: Infinity, showHidden: true, maxArrayLength: Infinity })}`;
          for (const f of forms(s)) if (text.includes(f)) throw new Error(`leaked ${JSON.stringify(f)}\n${text.slice(0, 2000)}`);
        }
      }),
      { numRuns: RUNS.byRef },
    );
  });
});
