/**
 * The collector layer on the independent corpus's text classes (issue 15: one rule set, two
 * layers): the generated value rules (collector-rules.ts), run in order by RE2 (re2js, the
 * JavaScript port of the engine the collector's transform processor runs, so the RE2 sources
 * are used as written), must leave no planted secret (nor a 10-character window of it) in the
 * text an app without oauth-otel would log, and must leave the harmless texts unchanged.
 * (Emulating them with V8's RegExp and its inline modifiers failed in long-lived jest workers:
 * one rule stopped matching for the rest of the process, a fresh RegExp of the same source too.)
 * stack/test/leak-store-raw.test.ts checks the same classes through the real collector into
 * VictoriaLogs. The classes left to the package layer are listed in PACKAGE_ONLY
 * (independent-arbitraries.ts), with the reason.
 */
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { collectorValueRules } from '../../src/redaction/collector-rules';
import { harmlessArb, LEAK_CLASSES, type LeakClass, PACKAGE_ONLY, windows } from '../support/independent-arbitraries';

/** RE2 source + OTTL replacement (`${1}`) → a compiled RE2 pattern + an RE2J replacement (`$1`). */
const rules = collectorValueRules().map(([src, repl]) => ({ re: RE2JS.compile(src), repl: repl.replace(/\$\{(\d+)\}/g, '$$$1') }));
const scrub = (text: string) => rules.reduce((t, r) => r.re.matcher(t).replaceAll(r.repl), text);

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
