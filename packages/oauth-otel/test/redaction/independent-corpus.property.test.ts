/**
 * The classes an independent red-team corpus (issue 15: written without our generators) found
 * leaking or over-redacted, kept closed as generators: provider credentials beyond the first
 * gitleaks cut, spaced `name = value` pairs (SQL, C#/Python printouts, INI), SQL `VALUES` tuples
 * and PostgreSQL `Key (cols)=(values)` details judged by their column list, passwords with their own punctuation, YAML `name:`/`value:` env
 * pairs, Terraform variables, command password flags, prose (`with password …`),
 * object printouts (`Token{value=…}`, PHP var_dump), short secret words (`creds`, `pat`, `jwt`,
 * `secret_answer`, `X-Hub-Signature-256`); and
 * on the harmless side vendor error codes under `code`, ARN paths with a `secret:` segment,
 * Stripe publishable keys and SQL tuples without secret columns. Each case goes through
 * redact(), redactString() and the package logger's stdout line.
 */
import fc from 'fast-check';
import { redact, redactString } from '../../src/redaction';
import { harmlessArb, leakCaseArb, windows } from '../support/independent-arbitraries';
import { stdoutLine } from '../support/stdout-line';

describe('independent corpus classes stay closed', () => {
  it('leaks: no planted secret or 10-character window of it in redact(), redactString() or the stdout line', () => {
    fc.assert(
      fc.property(leakCaseArb, ({ input, secret }) => {
        const outs = [JSON.stringify(redact(input)), stdoutLine(input)];
        if (typeof input === 'string') outs.push(redactString(input));
        for (const out of outs) {
          for (const w of windows(secret)) {
            if (out.includes(w)) throw new Error(`leaked ${JSON.stringify(w)} from ${JSON.stringify(input)}\n${out}`);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('over-redaction: harmless records come back unchanged', () => {
    fc.assert(
      fc.property(harmlessArb, (input) => {
        expect(redact(input)).toEqual(input);
        if (typeof input === 'string') expect(redactString(input)).toBe(input);
      }),
      { numRuns: 600 },
    );
  });
});
