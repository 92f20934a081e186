/**
 * One rule set, two layers: the collector's scrub rules in the shipped otel-collector.yaml are
 * generated from the package's own catalogs (src/redaction/collector-rules.ts). Fails on drift:
 * regenerate with `npm run build && node scripts/gen-collector-scrub.mjs`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectorRules, collectorRulesYaml, secretNameSource } from '../../src/redaction/collector-rules';
import { SECRET_WORDS } from '../../src/redaction/words';

const yaml = readFileSync(join(__dirname, '../../../../otel-collector.yaml'), 'utf8');

describe('collector scrub rules', () => {
  it('otel-collector.yaml holds exactly the generated rules', () => {
    const g = collectorRulesYaml();
    expect(yaml).toContain(`(scripts/gen-collector-scrub.mjs from src/redaction/{words,detectors}.ts; do not edit)\n${g.transform}\n`);
    expect(yaml).toContain(`(scripts/gen-collector-scrub.mjs; do not edit)\n${g.redaction}\n`);
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
        if (m[1] === 'value' || m[1]!.includes('REDACTED')) continue; // arguments, replacements
        const src = m[1]!.replace(/\\\\/g, '\\').replace(/\$\$/g, '$').replace(/^\(\?im\)|^\(\?i\)/, '');
        expect(() => new RegExp(src)).not.toThrow();
      }
    }
  });
});
