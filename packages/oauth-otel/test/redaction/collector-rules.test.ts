/**
 * One rule set, two layers: the collector's scrub rules in the shipped otel-collector.yaml are
 * generated from the package's own catalogs (src/redaction/collector-rules.ts). Fails on drift:
 * regenerate with `npm run build && node scripts/gen-collector-scrub.mjs`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { collectorRules, collectorRulesYaml, KEY_MATERIAL, keyLabelSource, secretNameSource } from '../../src/redaction/collector-rules';
import { CODE_QUALIFIERS, ID_SECRET_QUALIFIERS, KEY_NEUTRAL_QUALIFIERS, KEY_QUALIFIERS, SECRET_WORDS, STATE_QUALIFIERS, WRAPPER_WORDS } from '../../src/redaction/words';

const yaml = readFileSync(join(__dirname, '../../../../otel-collector.yaml'), 'utf8');

describe('collector scrub rules', () => {
  it('otel-collector.yaml holds exactly the generated rules', () => {
    const g = collectorRulesYaml();
    expect(yaml).toContain(`(scripts/gen-collector-scrub.mjs from src/redaction/{words,detectors}.ts; do not edit)\n${g.transform}\n`);
    expect(yaml).toContain(`(scripts/gen-collector-scrub.mjs; do not edit)\n${g.redaction}\n`);
    expect(yaml).toContain(`# BEGIN generated:scrub-resource (scripts/gen-collector-scrub.mjs; do not edit)\n${g.resource}\n`);
    expect(yaml).toContain(`# BEGIN generated:scrub-scope (scripts/gen-collector-scrub.mjs; do not edit)\n${g.scope}\n`);
  });

  it('the key-name rule covers every secret word of the package, and no metadata name', () => {
    const re = new RegExp(`^(?:.*[._\\-\\[])?${secretNameSource()}\\]?$`, 'i');
    for (const w of SECRET_WORDS.filter((x) => x !== 'auth')) {
      for (const k of [w, `${w}s`, `client_${w}`, `${w}_value`, `x-${w}`]) expect(re.test(k)).toBe(true);
    }
    for (const k of ['token_type', 'token_endpoint', 'expires_in', 'statusCode', 'public_key', 'state', 'code']) expect(re.test(k)).toBe(false);
    const blocked = new RegExp(collectorRules().blockedKeys[0]!.replace('(?i)', ''), 'i');
    for (const k of ['clientSecretValue', 'SmtpPrivateKeyStr', 'refreshTokens', 'X_DB_SESSION_ID_BASE64'.replace('_ID', '')]) expect(blocked.test(k)).toBe(true);
  });

  it('every value rule compiles (JavaScript shares the RE2 subset used here)', () => {
    for (const s of collectorRules().statements) {
      for (const m of s.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
        if (m[1] === 'value' || m[1]!.includes('REDACTED') || m[1]!.startsWith('$${')) continue; // arguments, replacements
        const src = m[1]!.replace(/\\\\/g, '\\').replace(/\$\$/g, '$').replace(/^\(\?im\)|^\(\?i\)/, '');
        expect(() => new RegExp(src)).not.toThrow();
      }
    }
  });

  // Node 24's RegExp has RE2's inline modifiers `(?i:…)` / `(?-i:…)`, so the RE2 sources run as is.
  it('an unqualified `key` name: any qualifier but a lookup key, in every style', () => {
    const label = new RegExp(`${keyLabelSource()}$`);
    const neutral = new Set(KEY_NEUTRAL_QUALIFIERS);
    const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
    const styles = [(q: string) => `${q}_key`, (q: string) => `x-${q}-key`, (q: string) => `${q}Key`, (q: string) => `my${cap(q)}Key`, (q: string) => `${q.toUpperCase()}_KEY`, (q: string) => `/prod/app/${q}-keys`, (q: string) => `${cap(q)}-Key`];
    const word = fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/);
    fc.assert(fc.property(word, fc.nat(styles.length - 1), (q, i) => {
      expect(label.test(`"${styles[i]!(q)}`)).toBe(!neutral.has(q));
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.constantFrom(...KEY_NEUTRAL_QUALIFIERS.filter((q) => /^[a-z0-9]+$/.test(q))), fc.nat(styles.length - 1), (q, i) => {
      expect(label.test(`"${styles[i]!(q)}`)).toBe(false);
    }));
    // Not the word `key` inside another word.
    for (const k of ['monkey', 'MONKEY', 'hockey', 'turkeys', 'keyboard']) expect(label.test(`"${k}`)).toBe(false);
  });

  it('key material: random credentials, not words, identifiers or paths', () => {
    const whole = new RegExp(`^${KEY_MATERIAL}$`);
    // Any base64 / base64url / hex / percent-encoded value with a digit and a letter.
    fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 48 }), fc.constantFrom('base64', 'base64url', 'hex', 'pct'), (b, enc) => {
      const raw = Buffer.from(b).toString(enc === 'pct' ? 'base64' : (enc as BufferEncoding));
      const v = enc === 'pct' ? encodeURIComponent(raw) : raw;
      fc.pre(/[0-9]/.test(raw) && /[A-Za-z]/.test(raw));
      expect(whole.test(v)).toBe(true);
    }));
    // Letters only: random mixed case (five case flips) is key material, a camelCase word is not.
    expect(whole.test('xQzPwLrKmTnBvCyD')).toBe(true);
    for (const v of ['tenant', 'eu-west', 'darkModeEnabled', 'uploads/2026/01/avatar.png', 'app.settings.v2', 'hello world 42']) expect(whole.test(v)).toBe(false);
  });

  it('the secret-name trie matches exactly what the plain alternation of the word catalog matches', () => {
    const alt = (xs: readonly string[]) => xs.join('|');
    const sep = '[._\\-]?';
    const plain = `(?:(?:${alt(SECRET_WORDS.filter((w) => w !== 'auth'))})s?|(?:${alt(KEY_QUALIFIERS)})${sep}keys?|(?:${alt(CODE_QUALIFIERS)})${sep}codes?|(?:${alt(STATE_QUALIFIERS)})${sep}state|(?:${alt(ID_SECRET_QUALIFIERS)})${sep}ids?)(?:${sep}(?:${alt(WRAPPER_WORDS.filter((w) => w !== 'key'))}))*(?:[._-]?[0-9]{1,3})?`;
    const a = new RegExp(`^${secretNameSource()}$`, 'i');
    const b = new RegExp(`^${plain}$`, 'i');
    const piece = fc.constantFrom(...SECRET_WORDS, ...KEY_QUALIFIERS, ...CODE_QUALIFIERS, ...STATE_QUALIFIERS, ...ID_SECRET_QUALIFIERS, ...WRAPPER_WORDS, 'key', 'keys', 'code', 'codes', 'state', 'id', 'ids', 's', '_', '-', '.', 'x', 'Token');
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }), (ps) => {
      const k = ps.join('');
      expect(a.test(k)).toBe(b.test(k));
    }), { numRuns: 5000 });
  });
});
