/**
 * The collector's scrub rules, generated from the same catalogs the package uses (words.ts,
 * detectors.ts): one rule set, two layers. scripts/gen-collector-scrub.mjs writes the output
 * into otel-collector.yaml between its `generated` markers; a test fails when the file drifts.
 * Every pattern is RE2 (the collector's regex engine). Not exported from the package index.
 */
import { JWT_SOURCE, PEM_SOURCE, PROVIDER_SOURCE } from './detectors';
import { CODE_QUALIFIERS, KEY_QUALIFIERS, LINE_WORDS, SECRET_WORDS, STATE_QUALIFIERS, WRAPPER_WORDS } from './words';

const alt = (xs: readonly string[]) => [...new Set(xs)].sort((a, b) => b.length - a.length || a.localeCompare(b)).map((x) => x.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');

/** A key name that names a secret: a secret word (or a qualified key/code/state), optionally
 *  plural, optionally followed by wrapper words, in any style. */
export function secretNameSource(): string {
  const sep = '[._\\-]?';
  const words = `(?:${alt(SECRET_WORDS.filter((w) => w !== 'auth'))})s?`;
  const key = `(?:${alt(KEY_QUALIFIERS)})${sep}keys?`;
  const code = `(?:${alt(CODE_QUALIFIERS)})${sep}codes?`;
  const state = `(?:${alt(STATE_QUALIFIERS)})${sep}state`;
  const wrappers = `(?:${sep}(?:${alt(WRAPPER_WORDS.filter((w) => w !== 'key'))}))*`;
  return `(?:${words}|${key}|${code}|${state})${wrappers}`;
}

export interface CollectorRules {
  /** OTTL statements of transform/scrub (log context). */
  statements: string[];
  /** redaction/secrets blocked_key_patterns. */
  blockedKeys: string[];
  /** redaction/secrets blocked_values. */
  blockedValues: string[];
}

/** An OTTL string literal: backslashes and quotes escaped; `$` doubled for the collector's env
 *  expansion. */
const ottl = (re: string) => `"${re.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$')}"`;

export function collectorRules(): CollectorRules {
  const name = secretNameSource();
  const valueRules: [string, string][] = [
    // Whole PEM / PGP private key blocks first: a key rule must never leave a body behind.
    [PEM_SOURCE, '[REDACTED]'],
    [JWT_SOURCE, '[REDACTED]'],
    [`\\b(?:${PROVIDER_SOURCE})`, '[REDACTED]'],
    // Header lines (raw dumps): the rest of the line.
    [`(?im)^(\\s*[\\w-]*(?:${alt(LINE_WORDS)})\\s*:[ \\t]*)\\S[^\\r\\n]*`, '${1}[REDACTED]'],
    // Auth schemes, with `:` / NBSP / `+` / `%20` separators.
    ['(?i)\\b(Bearer|Basic|DPoP)(?:\\s|\u00a0|:|\\+|%20)+[A-Za-z0-9._~+/=-]{8,}', '${1} [REDACTED]'],
    // YAML / config lines: the whole rest of the line (multi-word passphrases).
    [`(?im)^([ \\t-]*[\\w.-]*${name}[ \\t]*:[ \\t]*)[^\\s|>][^\\r\\n]*`, '${1}[REDACTED]'],
    // Form fields and `{name, value}` pairs labelled with a secret name.
    [`(?i)(name=["']?[\\w.-]*${name}["']?[^>]{0,200}?(?:value|content)=["'])[^"']+`, '${1}[REDACTED]'],
    [`(?i)("name"\\s*:\\s*"[\\w.-]*${name}"\\s*,\\s*"value"\\s*:\\s*")[^"]+`, '${1}[REDACTED]'],
    // name=value, name: value, "name":"value", name => value, user[name]=value, XML elements.
    [`(?i)((?:^|[^A-Za-z0-9])[\\w.\\-\\[\\]%]*${name}(?:\\]|%5D)?["']?\\s*(?:=>|=|:|%3D)\\s*["']?)[^\\s&"',;<>\\[\\]{}]+`, '${1}[REDACTED]'],
    [`(?i)(<(?:[\\w.-]+:)?[\\w.-]*${name}(?:\\s[^>]*)?>)[^<]+`, '${1}[REDACTED]'],
    // code / state as URL, fragment and form parameters.
    ['(?i)([?&#](?:code|state)=)[^&\\s#"\',;\\[][^&\\s#"\',;]*', '${1}[REDACTED]'],
    // URL userinfo.
    ['(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@]+:[^/\\s@]+@', '${1}REDACTED:REDACTED@'],
  ];
  const statements = ['flatten(log.attributes) where log.attributes != nil'];
  for (const [re, repl] of valueRules) {
    statements.push(`replace_pattern(log.body, ${ottl(re)}, ${ottl(repl)}) where IsString(log.body)`);
    statements.push(`replace_all_patterns(log.attributes, "value", ${ottl(re)}, ${ottl(repl)})`);
    statements.push(`replace_all_patterns(log.body, "value", ${ottl(re)}, ${ottl(repl)}) where IsMap(log.body)`);
  }
  return {
    statements,
    // Ends with a secret name: camelCase boundaries are invisible to a case-insensitive RE2 rule,
    // so no left anchor (at this layer `bypass` is masked too; the package decides finer).
    blockedKeys: [`(?i)${name}\\]?(\\.[0-9]+)?$`],
    blockedValues: [JWT_SOURCE, `\\b(?:${PROVIDER_SOURCE})`, '-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY'],
  };
}

/** The YAML text between the markers of otel-collector.yaml. */
export function collectorRulesYaml(): { transform: string; redaction: string } {
  const r = collectorRules();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const transform = r.statements.map((s) => `          - ${q(s)}`).join('\n');
  const redaction = [
    '    blocked_key_patterns:',
    ...r.blockedKeys.map((k) => `      - ${q(k)}`),
    '    blocked_values:',
    ...r.blockedValues.map((v) => `      - ${q(v.replace(/\$/g, '$$$$'))}`),
  ].join('\n');
  return { transform, redaction };
}
