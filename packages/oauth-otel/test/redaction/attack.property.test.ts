/**
 * An independent attack on redact() (issue 15): the shapes of test/support/attack-arbitraries.ts
 * — HTTP client errors, express/undici/h2 request dumps, env and config dumps, connection strings,
 * OAuth/OIDC wire shapes, encoded layers, provider prefixes from secretlint/trufflehog — each with
 * a fresh planted secret, in random nesting. No byte of the secret (whole, percent-encoded, or any
 * 10-character window) may survive; and harmless OAuth/OIDC fields come back unchanged, as objects
 * and as text. Failures are reported per shape class, with one example each.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { createRedactor, redact, redactString } from '../../src/redaction';
import { attackArb, harmlessArb } from '../support/attack-arbitraries';
import { forms, secretArb, wrap, wrapsArb } from '../support/leak-arbitraries';

const fingerprinting = createRedactor({ fingerprint: { key: 'attack-suite-key-0123456789abcdef' } });
const SCALE = Math.max(1, Number(process.env.REDACTION_LEAK_SCALE) || 1);

function serialize(v: unknown): string {
  const json = JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x] : x instanceof Set ? [...x] : x)) ?? '';
  return `${json}\n${inspect(v, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity })}`;
}

/** Runs every sample and returns the failing classes with a count and one example each. */
function failuresByClass<T>(samples: T[], check: (x: T) => { cls: string; example: string } | null): string[] {
  const by = new Map<string, { n: number; example: string }>();
  for (const x of samples) {
    const f = check(x);
    if (f === null) continue;
    const e = by.get(f.cls) ?? { n: 0, example: f.example };
    e.n++;
    by.set(f.cls, e);
  }
  return [...by].map(([cls, { n, example }]) => `${cls} ×${n}: ${example}`);
}

describe('attack corpus (fast-check)', () => {
  it(`leak shapes from real logs and other scanners' rule sets (${3000 * SCALE} cases)`, () => {
    const samples = fc.sample(fc.tuple(secretArb, attackArb, wrapsArb), { numRuns: 3000 * SCALE });
    const failed = failuresByClass(samples, ([s, shape, wraps]) => {
      const p = shape(s);
      const fs = forms(s, p.extra);
      for (const out of [redact(wrap(p.value, wraps)), fingerprinting.redact(p.value)]) {
        const text = serialize(out);
        const f = fs.find((x) => text.includes(x));
        if (f !== undefined) return { cls: shape.kind ?? '?', example: `${JSON.stringify(f)} in ${text.slice(0, 400)}` };
      }
      return null;
    });
    expect(failed).toEqual([]);
  });

  it(`harmless OAuth/OIDC fields survive as objects and as text (${1500 * SCALE} cases)`, () => {
    const samples = fc.sample(fc.tuple(harmlessArb, fc.constantFrom('object', 'json', 'json-pretty', 'form', 'logfmt')), { numRuns: 1500 * SCALE });
    const failed = failuresByClass(samples, ([rec, as]) => {
      const cls = `${Object.keys(rec)[0]}:${as}`;
      if (as === 'object') {
        const out = redact(rec);
        return JSON.stringify(out) === JSON.stringify(rec) ? null : { cls, example: JSON.stringify(out).slice(0, 400) };
      }
      const flat = Object.entries(rec).filter(([, v]) => typeof v !== 'object' || v === null);
      const text = as === 'json' ? `metadata: ${JSON.stringify(rec)}`
        : as === 'json-pretty' ? JSON.stringify(rec, null, 2)
        : as === 'form' ? new URLSearchParams(flat.map(([k, v]): [string, string] => [k, String(v)])).toString()
        : flat.map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`).join(' ');
      const out = redactString(text);
      return out === text ? null : { cls, example: `${text.slice(0, 200)} => ${out.slice(0, 200)}` };
    });
    expect(failed).toEqual([]);
  });
});
