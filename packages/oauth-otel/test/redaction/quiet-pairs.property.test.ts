/**
 * The text scanner skips a pair whose whole window (the characters pair() reads on the harmless-
 * value path) repeats the last pair it judged harmless (`key: key: …`, patterns.ts quietText).
 * The skip must never change an answer: against a scanner that judges every pair, the output is
 * the same for text dense with repeats followed by anything that shares their opening (the same
 * name and separator with another value, terminator, escape or URL context).
 */
import fc from 'fast-check';
import { createKeyTable } from '../../src/redaction/keys';
import { createTextScanner, type TextScanner } from '../../src/redaction/patterns';

const scanner = (quietPairs: boolean): TextScanner => {
  let sc: TextScanner | undefined;
  const keys = createKeyTable([], [], (s) => sc!.hasMarkers(s));
  sc = createTextScanner({ classify: keys.classify, mask: () => '[REDACTED]', extraPatterns: [], maxStringLength: 262_144, quietPairs });
  return sc;
};
const skipping = scanner(true);
const reference = scanner(false);

const NAMES = ['key', 'Key', 'code', 'state', 'deploy_key', 'x1', 'name', 'a', 'value'];
const SEPARATORS = ['=', ':', ': ', ' = ', '%3D'];
/** Values that read as harmless under a key / code / state name, and ones that do not. */
const HARMLESS = ['key', 'a', 'x y', 'loading', 'en-US', 'ui.button', '1', 'bearer', 'a%41'];
const SECRETS = ['AbC9dEf0GhI1jKl2MnO3pQr4StU5vWx6', 'sk_live_51Hx7pQ2eZvKYlo2C0a1b2c3d4e5f', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU'];
const TERMINATORS = [' ', ',', '&', ';', '\n', '\\n', '%26', '%2526', '"', ' x', ''];
const LEADS = ['', ' ', '&', '?', 'x', '\\n', '%26', '%2526', '"', 'x26', '26', '%5F', '\\u0026', 'sha256'];

/** A repeated unit and what follows its repeats: the same name and separator (the window differs
 *  only in the value, its terminator or what comes after), or any other pair. */
const caseArb = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom(...SEPARATORS), fc.constantFrom(...HARMLESS), fc.constantFrom(...TERMINATORS))
  .chain(([name, sep, value, term]) =>
    fc.record({
      unit: fc.constant(name + sep + value + term),
      last: fc.oneof(
        fc.tuple(fc.constantFrom(value, ...HARMLESS, ...SECRETS), fc.constantFrom(...TERMINATORS), fc.constantFrom('', 'x', '&b', ' ', '%', 'name_password\nvalue: AbC9dEf0GhI1jKl2MnO3pQr4StU5vWx6\n')).map(([v, t, after]) => name + sep + v + t + after),
        fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...SEPARATORS), fc.constantFrom(...HARMLESS, ...SECRETS), fc.constantFrom(...TERMINATORS)).map((p) => p.join('')),
      ),
      lead: fc.constantFrom(...LEADS),
      between: fc.constantFrom(...LEADS),
    }),
  );

test('skipping repeats of a harmless pair never changes the output', () => {
  fc.assert(
    fc.property(caseArb, fc.integer({ min: 1, max: 12 }), ({ unit, last, lead, between }, k) => {
      // Repeats, then the case; also repeats separated (each repeat's left context changes).
      for (const s of [lead + unit.repeat(k) + last, lead + (unit + between).repeat(k) + last + unit.repeat(k)]) {
        expect(skipping.scan(s)).toBe(reference.scan(s));
      }
    }),
    { numRuns: 5000 },
  );
});
