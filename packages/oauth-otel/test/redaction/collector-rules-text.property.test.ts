/**
 * The collector layer on the independent corpus's text classes (issue 15: one rule set, two
 * layers): the generated value rules (collector-rules.ts), run in order in V8 as the transform
 * processor runs them on a string body, must leave no planted secret (nor a 10-character window
 * of it) in the text an app without oauth-otel would log, and must leave the harmless texts
 * unchanged. Node 24's RegExp has RE2's inline modifiers, and the rules use no construct whose
 * meaning differs between the two engines; stack/test/leak-store-raw.test.ts checks the same
 * classes through the real collector into VictoriaLogs.
 * The classes left to the package layer are listed in PACKAGE_ONLY (independent-arbitraries.ts),
 * with the reason.
 */
import fc from 'fast-check';
import { collectorValueRules } from '../../src/redaction/collector-rules';
import { harmlessArb, LEAK_CLASSES, type LeakClass, PACKAGE_ONLY, windows } from '../support/independent-arbitraries';

/** RE2 source + OTTL replacement → a global V8 RegExp + a JS replacement. A leading `(?i)` becomes
 *  a `(?i:…)` group, not the `i` flag: under the flag V8 ignores the rules' inner `(?-i:…)`. */
const rules = collectorValueRules().map(([src, repl]) => {
  const m = /^\(\?(i?)(m?)\)/.exec(src);
  const body = m ? src.slice(m[0].length) : src;
  return { re: new RegExp(m?.[1] ? `(?i:${body})` : body, `g${m?.[2] ?? ''}`), repl: repl.replace(/\$\{(\d+)\}/g, '$$$1') };
});
const scrub = (text: string) => rules.reduce((t, r) => t.replace(r.re, r.repl), text);

/** What an app without oauth-otel logs for a case: the text, or the JSON of a structured value. */
const asText = (input: unknown) => (typeof input === 'string' ? input : JSON.stringify(input));

const collectorClasses = (Object.keys(LEAK_CLASSES) as LeakClass[]).filter((c) => !PACKAGE_ONLY.includes(c));

describe('collector rules on the independent corpus text classes', () => {
  it.each(collectorClasses)('%s: no planted secret survives the scrub', (cls) => {
    fc.assert(
      fc.property(LEAK_CLASSES[cls], ({ input, secret }) => {
        const text = asText(input);
        const out = scrub(text);
        const left = windows(secret).find((w) => out.includes(w));
        if (left !== undefined) throw new Error(`leaked ${JSON.stringify(left)} from ${JSON.stringify(text)}\n${out}`);
      }),
      { numRuns: 300 },
    );
  });

  it('harmless texts come through unchanged', () => {
    fc.assert(
      fc.property(harmlessArb, (input) => {
        const text = asText(input);
        expect(scrub(text)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});
