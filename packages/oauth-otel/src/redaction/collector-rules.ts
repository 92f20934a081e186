/**
 * The collector's scrub rules, generated from the same catalogs the package uses (words.ts,
 * detectors.ts): one rule set, two layers. scripts/gen-collector-scrub.mjs writes the output
 * into otel-collector.yaml between its `generated` markers; a test fails when the file drifts.
 * Every pattern is RE2 (the collector's regex engine). Not exported from the package index.
 */
import { INFIX_DETECTORS, JWT_SOURCE, PEM_SOURCE, PROVIDER_DETECTORS } from './detectors';
import { JWK_PRIVATE_MEMBERS } from './keys';
import { CREDENTIAL_FLAGS, MYSQL_COMMANDS, PASSWORD_FLAG_COMMANDS, USER_FLAGS } from './patterns';
import { CODE_QUALIFIERS, ID_SECRET_QUALIFIERS, KEY_NEUTRAL_QUALIFIERS, KEY_QUALIFIERS, LINE_WORDS, NEUTRAL_QUALIFIERS, SECRET_WORDS, STATE_QUALIFIERS, WRAPPER_WORDS } from './words';

/** An alternation of literal words, in trie order: words sharing a prefix stay adjacent (RE2 and
 *  Go's regexp factor adjacent common prefixes, so that each start position tries one branch per
 *  first letter, not one per word: a large constant of every rule's cost), and a word comes
 *  before any of its prefixes (the longest word wins where both would match). */
/** The provider detectors' sources sorted, so that RE2 factors their shared openings (`gh`, `gl`,
 *  `sk`, …) into one branch each; which alternative matches only moves the redacted span's end. */
const PROVIDER_SOURCE = [...PROVIDER_DETECTORS, ...INFIX_DETECTORS].map((d) => d.source).sort().join('|');

const alt = (xs: readonly string[]) =>
  [...new Set(xs)]
    .sort((a, b) => (a.startsWith(b) ? -1 : b.startsWith(a) ? 1 : a < b ? -1 : 1))
    .map((x) => x.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
    .join('|');

/** Literal heads, each followed by its own tail, as one trie: every start position tries one
 *  branch per first letter of all heads together, not one per head (the start of a search is
 *  where an RE2 rule spends its time). Tails at one node: non-empty ones first. */
function headsSource(heads: readonly (readonly [string, string])[]): string {
  type Node = { kids: Map<string, Node>; tails: string[] };
  const root: Node = { kids: new Map(), tails: [] };
  for (const [w, tail] of heads) {
    let n = root;
    for (const c of w) {
      if (!n.kids.has(c)) n.kids.set(c, { kids: new Map(), tails: [] });
      n = n.kids.get(c)!;
    }
    if (!n.tails.includes(tail)) n.tails.push(tail);
  }
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const emit = (n: Node): string => {
    const kids = [...n.kids].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, k]) => esc(c) + emit(k));
    const tails = [...n.tails].sort((a, b) => Number(a === 's?') - Number(b === 's?'));
    const alts = [...kids, ...tails];
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  return emit(root);
}

/** A key name that names a secret: a secret word (or a qualified key/code/state/id), optionally
 *  plural, optionally followed by wrapper words, in any style. */
export function secretNameSource(): string {
  const sep = '[._\\-]?';
  const heads: [string, string][] = [
    ...SECRET_WORDS.filter((w) => w !== 'auth').map((w): [string, string] => [w, 's?']),
    ...KEY_QUALIFIERS.map((q): [string, string] => [q, `${sep}keys?`]),
    ...CODE_QUALIFIERS.map((q): [string, string] => [q, `${sep}codes?`]),
    ...STATE_QUALIFIERS.map((q): [string, string] => [q, `${sep}state`]),
    ...ID_SECRET_QUALIFIERS.map((q): [string, string] => [q, `${sep}ids?`]),
  ];
  const wrappers = `(?:${sep}(?:${alt(WRAPPER_WORDS.filter((w) => w !== 'key'))}))*`;
  // A numbered variant (`X-Hub-Signature-256`, `token_2`, `secret2`).
  const numbered = '(?:[._-]?[0-9]{1,3})?';
  return `${headsSource(heads)}${wrappers}${numbered}`;
}

/**
 * A word (letters and digits) that is none of `words` (lower-case), in one of three case styles:
 * `lower`, `Capitalized` (a camelCase hump) or `any` case. RE2 has no lookbehind or negation, so the
 * complement is spelled out from the trie of the words, forwards (a small closure at each start:
 * only the first letters): at each node the word stops (unless a listed word ends there),
 * continues with a letter no listed word has there (then with any), or goes on into a child. Case-sensitive, so that `myPublicKey` is the hump `Public`, not `mypublic`.
 */
/** A character class of `chars` (each in a-z, A-Z, 0-9), with runs written as ranges. */
function ranges(chars: string): string {
  const cs = [...new Set(chars)].map((c) => c.charCodeAt(0)).sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i < cs.length; ) {
    let j = i;
    while (j + 1 < cs.length && cs[j + 1] === cs[j]! + 1) j++;
    const a = String.fromCharCode(cs[i]!);
    const b = String.fromCharCode(cs[j]!);
    out += j === i ? a : j === i + 1 ? a + b : `${a}-${b}`;
    i = j + 1;
  }
  return `[${out}]`;
}

export function notWordSource(words: readonly string[], style: 'lower' | 'cap' | 'any'): string {
  type Node = { kids: Map<string, Node>; end: boolean };
  const root: Node = { kids: new Map(), end: false };
  for (const w of words) {
    if (!/^[a-z0-9]+$/.test(w)) continue; // multi-word entries (`storage_path`): their last word is listed
    let n = root;
    for (const c of w) {
      if (!n.kids.has(c)) n.kids.set(c, { kids: new Map(), end: false });
      n = n.kids.get(c)!;
    }
    n.end = true;
  }
  const LOWER = 'abcdefghijklmnopqrstuvwxyz';
  const UPPER = LOWER.toUpperCase();
  const any = style === 'any';
  const ALPHA = `${any ? LOWER + UPPER : LOWER}0123456789`;
  const rest = any ? '[A-Za-z0-9]*' : '[a-z0-9]*';
  const emit = (n: Node, depth: number): string => {
    const first = depth === 0 && style === 'cap';
    // Case folding spelled out (`[bB]`), not `(?i:…)`: V8 mis-folds some large modifier groups,
    // and the unit tests run these sources in V8.
    const lit = (c: string) => (first ? c.toUpperCase() : any && c !== c.toUpperCase() ? `[${c}${c.toUpperCase()}]` : c);
    const alpha = first ? UPPER : ALPHA;
    const others = [...alpha].filter((c) => !n.kids.has(c.toLowerCase())).join('');
    const alts: string[] = [];
    if (depth > 0 && !n.end) alts.push('');
    if (others.length > 0) alts.push(`${ranges(others)}${rest}`);
    for (const [c, k] of n.kids) alts.push(`${lit(c)}${emit(k, depth + 1)}`);
    return `(?:${alts.join('|')})`;
  };
  return emit(root, 0);
}

/** A name of key material by its last word `key` (`x-functions-key`, `storageKey`, `DEPLOY_KEY`,
 *  `/prod/app/recovery-key`) whose qualifier is not a lookup key (`cacheKey`, `public_key`,
 *  `idempotency-key`): the package decides these by the value's shape, and so does the rule that
 *  uses this. Starts with its own left boundary (a non-alphanumeric character, or a lower-case
 *  letter before a camelCase hump), which the match includes. */
export function keyLabelSource(sep = '[._-]'): string {
  const n = KEY_NEUTRAL_QUALIFIERS;
  const open = '(?:^|[^A-Za-z0-9])';
  // `deploy_key`, `X-FUNCTIONS-KEY`, `Ocp-Apim-Subscription-Key`: the word before the separator.
  const separated = `${open}${notWordSource(n, 'any')}${sep}[kK][eE][yY][sS]?`;
  // `storageKey`, `myStorageKey`: the word or camelCase hump right before `Key`.
  const camel = `(?:${open}${notWordSource(n, 'lower')}|(?:${open}|[a-z0-9])${notWordSource(n, 'cap')})Keys?`;
  return `(?-i:${separated}|${camel})`;
}

/** A value with a credential's shape, whole (the caller anchors its end): base64/hex/url-safe
 *  or password characters with a digit and a letter, or letters only with five case flips (random base64;
 *  camelCase words flip once per hump). Case-sensitive. */
export const KEY_MATERIAL = (() => {
  // A password's punctuation too (`9x^#]pv3`), but not `&`, which starts the next pair.
  const C = String.raw`(?:[A-Za-z0-9+/=_!#$^*()|~{}\[\]-]|%[0-9A-Fa-f]{2})`;
  const flip = '(?:[a-z][A-Z]|[A-Z][a-z])';
  return `(?-i:${C}*(?:[0-9]${C}*[A-Za-z]|[A-Za-z]${C}*[0-9])${C}*|${C}*(?:${flip}${C}*){5})`;
})();

/** A key whose secret word comes after a neutral qualifier (NEUTRAL_QUALIFIERS, words.ts) as a
 *  word of its own: separated (`max_tokens`, `NEXT-PAGE-TOKEN`) or a camelCase hump (`maxTokens`);
 *  `user_token` is not `use` + `r_token`. */
function ignoredKeySource(name: string): string {
  const words = NEUTRAL_QUALIFIERS.filter((w) => /^[a-z0-9_]+$/.test(w));
  const lower = alt(words);
  const cap = alt(words.map((w) => w[0]!.toUpperCase() + w.slice(1)));
  const open = '(?:.*[^A-Za-z0-9])?';
  const separated = `${open}(?i:${lower})[._-].*`;
  const hump = `(?:${open}(?:${lower})|(?:.*[^A-Za-z0-9]|.*[a-z0-9])?(?:${cap}))(?:[A-Z].*)?`;
  return `^(?:${separated}|${hump})(?i:${name})\\]?(\\.[0-9]+)?$`;
}

export interface CollectorRules {
  /** OTTL statements of transform/scrub (log context). */
  statements: string[];
  /** The same rules on resource attribute values (resource context: once per resource). */
  resourceStatements: string[];
  /** The same rules on instrumentation scope attribute values (scope context). */
  scopeStatements: string[];
  /** redaction/secrets blocked_key_patterns. */
  blockedKeys: string[];
  /** redaction/secrets ignored_key_patterns: a secret word after a word that makes it something
   *  else (`max_tokens`, `usage.prompt_tokens`, `next_page_token`, `use_refresh_token`). */
  ignoredKeys: string[];
  /** redaction/secrets blocked_values. */
  blockedValues: string[];
}

/** An OTTL string literal: backslashes and quotes escaped; `$` doubled for the collector's env
 *  expansion. */
const ottl = (re: string) => `"${re.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$')}"`;

/** Text shapes every rule below accepts (RE2 sources). A quote, possibly escaped at any depth
 *  (`"`, `\"`, `\\\"`) or percent-encoded (`%22`, `%2522`). */
const QUOTE = String.raw`(?:\\*["']|%(?:25)?22)`;
/** `=`, `:`, `=>`, percent-encoded `=` / `:`. */
const SEP = String.raw`(?:=>|=|:|%(?:25)?3[DdAa])`;
/** A line break: raw, or a literal `\n` / `\r\n` escape inside an encoded string. */
const NL = String.raw`(?:\r?\n|(?:\\r)?\\n)`;
/** An opaque value: token characters with both a digit and a lower-case letter (error codes
 *  such as `invalid_grant`, `ERR_BAD_REQUEST` or `1` have not both). */
const OPAQUE = String.raw`[A-Za-z0-9._~+/%=-]*(?:[0-9][A-Za-z0-9._~+/%=-]*[a-z]|[a-z][A-Za-z0-9._~+/%=-]*[0-9])[A-Za-z0-9._~+/%=-]*`;
/** One character of a line (an escape counts as one, except `\n` / `\r`). */
const LINE_CHAR = String.raw`(?:[^\r\n\\]|\\[^nr])`;
/** The same inside a quoted string: an unescaped quote ends it. */
const QUOTED_LINE_CHAR = String.raw`(?:[^\r\n\\"]|\\[^nr"])`;

/** The value rules, in order: [RE2 source, replacement (`${n}` groups)]. Exported for the unit
 *  tests, which run them in V8 (Node 24 has RE2's inline modifiers) against the leak generators. */
export function collectorValueRules(): [string, string][] {
  const name = secretNameSource();
  const member = String.raw`\\*"(?:` + JWK_PRIVATE_MEMBERS.join('|') + String.raw`)\\*"\s*:`;
  const kty = String.raw`\\*"kty\\*"\s*:`;
  // ASCII letters, digits and `_` written as `\u00XX`: no serializer escapes those, only evasion does.
  const asciiEscape = String.raw`\\+u00(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|5[Ff])`;
  const nameChar = String.raw`(?:[^"\\]|\\+u[0-9A-Fa-f]{4})`;
  // A value character; a value of five lower-case letters or fewer is a JSON literal or a word
  // (`true`, `null`, `false`), not a credential.
  const V = String.raw`[^\s&"',;<>\[\]{}\\]`;
  // The rest of a value that holds a password's punctuation (`p{w`, `p]!w`, `p&!w`, `p&_&w`):
  // brackets go on, and `&` too unless a `name=` pair follows it (`&state=` starts the next
  // parameter). RE2 has no look-ahead: a trailing `&word` is taken only before the value's end,
  // which group 2 keeps, and `&word&` goes on whatever follows (the package ends the value before
  // a `name=` there; this layer fails closed).
  const VALUE_TAIL = String.raw`(?:[^\s&"',;<>\\]|&+[\w.-]*[^\s\w.=&"',;<>\\-]|&+[\w.-]+&)*(?:&+[\w.-]+($|[\s,;"'\\<]))?`;
  // A quoted value (`q` its quote): six characters or more, or one that is not a lower-case letter
  // (`"false"`, `'none'` are literals and words).
  const quoted = (q: string) => String.raw`(?:[^${q}\\\r\n]{6,}|[^${q}\\\r\n]*[^a-z${q}\\\r\n][^${q}\\\r\n]*)`;
  // The rest of a command up to a flag: the same line, not past a shell separator.
  const CMD_LINE = String.raw`[^\r\n;|&]{0,200}?`;
  const keyLabel = keyLabelSource();
  // A pair's label and value members (JSON, escaped at any depth) or attributes (XML/HTML), in
  // either order; `[^{}]` / `[^<>]` keep both in one object or element. `value` is the value's
  // source; its end is anchored on the closing quote.
  const pairRules = (label: string, value: string): [string, string][] => {
    const jl = `${QUOTE}\\w*(?:name|key)${QUOTE}\\s*:\\s*${QUOTE}${label}${QUOTE}`;
    const jv = `${QUOTE}\\w*value${QUOTE}\\s*:\\s*${QUOTE}`;
    const xl = `\\b(?:name|key)=${QUOTE}${label}${QUOTE}`;
    const xv = `\\b(?:value|content)=${QUOTE}`;
    return [
      [`(?i)(${jl}[^{}]*?${jv})(?:${value})(${QUOTE})`, '${1}[REDACTED]${2}'],
      [`(?i)(${jv})(?:${value})(${QUOTE}[^{}]*?${jl})`, '${1}[REDACTED]${2}'],
      [`(?i)(${xl}[^<>]*?${xv})(?:${value})(${QUOTE})`, '${1}[REDACTED]${2}'],
      [`(?i)(${xv})(?:${value})(${QUOTE}[^<>]*?${xl})`, '${1}[REDACTED]${2}'],
    ];
  };
  const byLength = (xs: Iterable<string>) => [...xs].sort((a, b) => b.length - a.length).join('|');
  const flags = byLength([...CREDENTIAL_FLAGS].filter((f) => !USER_FLAGS.has(f)));
  const userFlags = byLength(USER_FLAGS);
  // An AWS Secrets Manager ARN names a secret, it holds none: its `:secret:` resource type is
  // not a `secret: value` pair. RE2 cannot look behind, so the segment is spelled
  // percent-encoded (no rule reads a name through `%65`) while the rules run, and restored last.
  const ARN = String.raw`(arn:aws[\w-]*:secretsmanager:[\w-]*:[0-9]*:)`;
  const valueRules: [string, string][] = [
    [`${ARN}secret:`, '${1}s%65cret:'],
    // Whole PEM / PGP private key blocks first: a key rule must never leave a body behind.
    [PEM_SOURCE, '[REDACTED]'],
    // JWTs and provider credentials in one rule: the leftmost wins, so that neither cuts the other
    // (`duffel_live_…eyJ…` is one credential, not a prefix left before a JWT).
    [`${JWT_SOURCE}|\\b(?:${PROVIDER_SOURCE})`, '[REDACTED]'],
    // A private JWK (an object with `kty` and a private member, either order), whole: RE2 has no
    // look-around to redact its members one by one only next to `kty`.
    [String.raw`\{[^{}]*` + kty + String.raw`[^{}]*` + member + String.raw`[^{}]*\}|\{[^{}]*` + member + String.raw`[^{}]*` + kty + String.raw`[^{}]*\}`, '[REDACTED]'],
    // A JSON name with ASCII characters unicode-escaped (`"\u0070assword"`): fail closed.
    [String.raw`(\\*"` + nameChar + '{0,64}' + asciiEscape + nameChar + String.raw`{0,64}\\*"\s*:\s*\\*")(?:[^"\\]|\\[^"])+`, '${1}[REDACTED]'],
    // Auth schemes, with `:` / NBSP / `+` / `%20` / line-break separators (before header lines,
    // so that `Authorization: Bearer` + line break + credential loses the credential).
    [String.raw`(?i)\b(Bearer|Basic|DPoP)(?:\s|` + '\u00a0' + String.raw`|:|\+|%20|\\[nrt])+[A-Za-z0-9._~+/=-]{8,}`, '${1} [REDACTED]'],
    // Header lines (raw dumps, escaped dumps): the rest of the line and its folded continuations.
    [`(?im)((?:^|\\\\n)[ \\t]*[\\w-]*(?:${alt(LINE_WORDS)})[ \\t]*:[ \\t]*)${LINE_CHAR}+(?:${NL}[ \\t]+${LINE_CHAR}+)*`, '${1}[REDACTED]'],
    // YAML block scalars (`password: |`, `key: >-`): every following indented line, raw or in an
    // escaped string. RE2 cannot compare indentation, so this fails closed: it runs to the first
    // line that is not indented (a sibling key at the same depth goes too).
    [`(?i)((?:^|${NL})[ \\t-]*[\\w.-]*${name}[ \\t]*:[ \\t]*[|>][-+0-9]*[ \\t]*)((?:${NL}[ \\t]+${QUOTED_LINE_CHAR}*)+)`, '${1} [REDACTED]'],
    // YAML / config lines: the whole rest of the line (multi-word passphrases).
    [`(?im)^([ \\t-]*[\\w.-]*${name}[ \\t]*:[ \\t]*)[^\\s|>][^\\r\\n]*`, '${1}[REDACTED]'],
    // Form fields (form_post's hidden `code` / `state` too) and `{name, value}` pairs labelled
    // with a secret name.
    [`(?i)(name=${QUOTE}?(?:[\\w.-]*${name}|code|state)${QUOTE}?[^<>]{0,200}?(?:value|content)=${QUOTE})[^"'\\\\]+`, '${1}[REDACTED]'],
    // Label / value pairs: `{ key | name | Name | ParameterKey: <label>, …, value | Value |
    // ParameterValue: <value> }` (Postman, HAR, SSM, CloudFormation, k8s env) and `<add key=…
    // value=…/>` (.NET config), in either order, within one object or element, labelled with a
    // path or a name ending with a secret name. (Labels ending with an unqualified `key`: below.)
    ...pairRules(`[^"'\\\\]*${name}`, `[^"'\\\\]+`),
    // A multipart part named like a secret: its body after the part headers and a blank line.
    [`(?i)(name=${QUOTE}[\\w.-]*${name}${QUOTE}[^\\r\\n\\\\]*${NL}(?:[\\w-]+:${LINE_CHAR}*${NL})*${NL})${LINE_CHAR}+`, '${1}[REDACTED]'],
    // YAML name / value pairs (Kubernetes and ECS env): `- name: DB_PASSWORD` + a line break +
    // `value: …`, the rest of the value's line. (Rules open with a lower-case literal where the
    // format has one: Go's regexp then skips to it instead of trying every position.)
    [`(name:[ \\t]*\\\\*["']?[\\w.-]*(?i:${name})\\\\*["']?[ \\t]*${NL}[ \\t]*-?[ \\t]*value:[ \\t]*)${LINE_CHAR}+`, '${1}[REDACTED]'],
    // Terraform variables named like a secret: the default's value (quoted or not), rest of line.
    [`(variable[ \\t]+\\\\*"[\\w.-]*(?i:${name})\\\\*"[ \\t]*\\{[^{}]{0,400}?\\bdefault[ \\t]*=[ \\t]*)${LINE_CHAR}+`, '${1}[REDACTED]'],
    // SQL `(cols) VALUES (…), (…)` and PostgreSQL `Key (cols)=(…)` with a secret-named column:
    // the rest of the line. The package pairs each value with its column; RE2 cannot count
    // commas against the column list (no backreferences), so this layer fails closed and takes
    // every value of the statement.
    [`(\\((?:[^()]*,)?\\s*[\x60"]?[\\w.-]*(?i:${name})[\x60"]?\\s*(?:,[^()]*)?\\)(?:\\s*[vV][aA][lL][uU][eE][sS]\\s*|=\\())${LINE_CHAR}+`, '${1}[REDACTED]'],
    // PHP var_dump strings under a secret-named key.
    [`(\\[\\\\*"[\\w.-]*(?i:${name})\\\\*"\\]=>(?:\\s|\\\\[nrt])*string\\([0-9]+\\)[ \\t]*\\\\*")[^"\\\\]+`, '${1}[REDACTED]'],
    // Password flags of particular commands (one command line): `sshpass -p`, `redis-cli -a`,
    // `mysql -pPW` (attached only: `mysql -p db` prompts), a registry login's `-p` (`docker login
    // -p`). One rule per literal opening: Go's regexp skips to a literal prefix, while an
    // alternation at the start is tried at every position (3× the cost of all these together).
    // The login rule opens with `login`, not the command before it: any `… login … -p x` fails
    // closed. No left boundary: a command name inside a longer word fails closed too.
    ...[...PASSWORD_FLAG_COMMANDS].map(([c, f]): [string, string] => [`(${alt([c])}${CMD_LINE}[ \\t]${f}[ \\t]+\\\\*["']?)[^\\s"'\\\\]+`, '${1}[REDACTED]']),
    [`(login${CMD_LINE}[ \\t]-p[ \\t]+\\\\*["']?)[^\\s"'\\\\]+`, '${1}[REDACTED]'],
    [`((?:${alt([...MYSQL_COMMANDS])})${CMD_LINE}[ \\t]-p)[^\\s"'\\\\]+`, '${1}[REDACTED]'],
    // Prose: `with password Winter2019!x` (a word with a letter and a digit).
    [`(with[ \\t]+(?i:password)[ \\t]+)([^\\s"'\\\\]*[0-9][^\\s"'\\\\]*)`, '${1}[REDACTED]'],
    // name=value, name: value, "name":"value" (escaped at any depth, percent-encoded), name => value,
    // user[name]=value, name[]=value, an auth scheme before the value; object printouts of a
    // secret-named type (`Token{value='…'}`, `Token(value=…)`, `#<Token value="…">`).
    // A quoted value is redacted whole up to its closing quote, whatever punctuation or blanks it
    // holds (`password = 'p&x{y'`, `"secret": "a b"`); an unquoted one as VALUE_TAIL says.
    // A list of quoted strings (`"tokens": ["…", "…"]`, `apiKeys=[…]`) goes whole (never the
    // `[REDACTED]` an earlier rule left); over an object, its wrapper member (`"secret":
    // {"value": "…"}`, `"password": {"plain": …}`).
    // One rule for all (the name pattern is the expensive part; each rule runs it again).
    // (No left context: any text before the name is kept by the replacement anyway, and a
    // pattern that opens with the name's words costs a fraction of one that opens with a loop.)
    [`(?i)(${name}(?:(?:\\]|%5D|\\[\\])?${QUOTE}?|(?:[{(][ \\t]*|[ \\t]+)value[ \\t]*)\\s*${SEP}\\s*)(?:(\\\\*')${quoted("'")}(\\\\*')|(\\\\*")${quoted('"')}(\\\\*")|(\\[\\s*)${QUOTE}[^\\[\\]{}]*(\\])|(\\{[^{}]*?${QUOTE}(?:${alt(WRAPPER_WORDS)})${QUOTE}\\s*:\\s*${QUOTE})[^"\\\\]+|(${QUOTE}?(?:(?:bearer|basic|dpop|token)\\s+)?)(?:${V}{6,}|${V}*[^a-z\\s&"',;<>\\[\\]{}\\\\]${V}*)${VALUE_TAIL})`, '${1}${2}${4}${6}${8}${9}[REDACTED]${3}${5}${7}${10}'],
    [`(<(?:[\\w.-]+:)?[\\w.-]*(?i:${name})(?:\\s[^>]*)?>)[^<]+`, '${1}[REDACTED]'],
    // An unqualified `key` name with a value of a credential's shape, whole up to its delimiter:
    // `storageKey=…`, `"x-functions-key": "…"`, and as the label of a pair (`{"Name":
    // "/prod/deploy_key", …, "Value": "…"}`, `<add key="storageKey" value="…"/>`). One rule, so
    // that the (large) name pattern is written once.
    [`(?i)(${keyLabel}(?:${QUOTE}?\\s*${SEP}\\s*${QUOTE}?|${QUOTE}[^{}]*?${QUOTE}\\w*value${QUOTE}\\s*:\\s*${QUOTE}|${QUOTE}[^<>]*?\\b(?:value|content)=${QUOTE}))(?:${KEY_MATERIAL})(${QUOTE}|[\\s&;,<\\\\]|$)`, '${1}[REDACTED]${2}'],
    // Header name / value lists (`rawHeaders`, undici): `"x-auth-token", "<value>"` — a list item,
    // not a member name (`"grant_type":"refresh_token","refresh_token":…` keeps its names).
    // Its value has a character a grant or method name has not (`"refresh_token","client_credentials"`).
    [`(?i)(${QUOTE}[\\w.-]*${name}${QUOTE}\\s*,\\s*${QUOTE})([^"\\\\]*[^a-z_ :.\\-"\\\\][^"\\\\]*)(${QUOTE}\\s*[,\\]])`, '${1}[REDACTED]${3}'],
    // code / state as URL, fragment, form and command-line parameters (percent-encoded too).
    ['(?i)((?:^|[?&#;]|%(?:25)?26|%(?:25)?3F|\\s--)(?:code|state)(?:=|%(?:25)?3D))[^&\\s#"\',;\\[\\\\][^&\\s#"\',;\\\\]*', '${1}[REDACTED]'],
    // code / state after a blank (`… CODE=…`) with an opaque value: `exit code=1` keeps its own.
    [`((?:^|\\s)(?i:code|state)=)(${OPAQUE})`, '${1}[REDACTED]'],
    // code / state JSON members (`X-State` too) with an opaque value (a digit and a lower-case letter): error
    // codes (`invalid_grant`, `ERR_BAD_REQUEST`) and UI states keep theirs.
    [`(${QUOTE}(?i:(?:x[-_.]?)?(?:code|state))${QUOTE}\\s*:\\s*${QUOTE})(${OPAQUE})`, '${1}[REDACTED]'],
    // URL userinfo (`user:pass@`, `:pass@`, a bare token `ghp_…@`).
    ['(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@]*:[^/\\s@]+@', '${1}REDACTED:REDACTED@'],
    ['(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@?#"\'\\\\]+@', '${1}REDACTED@'],
    // Password keywords with blank separators: .netrc (`login u password p`, or a line of its
    // own), redis.conf (`requirepass p`), SQL (`PASSWORD 'p'`, MySQL `PASSWORD('p')`, `IDENTIFIED BY 'p'`).
    // On a line of its own the value must end the line: `password reset email sent` is prose.
    [`(?im)((?:^|\\\\n)[ \\t]*(?:password|passwd|requirepass|masterauth)[ \\t]+)[^\\s'"\\\\]+([ \\t]*(?:$|\\\\+[rn]))`, '${1}[REDACTED]${2}'],
    [`(?i)(\\blogin[ \\t]+\\S+[ \\t]+(?:password|passwd)[ \\t]+)[^\\s'"\\\\]+`, '${1}[REDACTED]'],
    [`(?i)((?:password|identified[ \\t]+by)(?:[ \\t]+|[ \\t]*\\([ \\t]*)\\\\*')[^'\\\\]+`, '${1}[REDACTED]'],
    // Command-line credential flags (curl's `-u user:pass`, `--oauth2-bearer t`, `-b 'sid=…'`)
    // and long flags named like a secret (`--client-secret s`).
    [`((?:^|\\s)(?:${flags})[ \\t]+\\\\*["']?)[^\\s"'\\\\]+`, '${1}[REDACTED]'],
    // User flags (`curl -u`, `--proxy-user`): secret only as `user:password` (`-u admin` prompts).
    [`((?:^|\\s)(?:${userFlags})[ \\t]+\\\\*["']?)[^\\s"'\\\\:]*:[^\\s"'\\\\]+`, '${1}[REDACTED]'],
    [`(?i)((?:^|\\s)--[\\w-]*${name}[ \\t]+\\\\*["']?)[^\\s"'\\\\-][^\\s"'\\\\]*`, '${1}[REDACTED]'],
    [`${ARN}s%65cret:`, '${1}secret:'],
  ];
  return valueRules;
}

export function collectorRules(): CollectorRules {
  const name = secretNameSource();
  const valueRules = collectorValueRules();
  // Nested maps and arrays (attributes and a map body) become dotted keys first, so that every
  // string in them is a top-level value the rules reach (the redaction processor masks the keys).
  const statements = ['flatten(log.attributes) where log.attributes != nil', 'flatten(log.body) where IsMap(log.body)'];
  const resourceStatements: string[] = [];
  const scopeStatements: string[] = [];
  for (const [re, repl] of valueRules) {
    statements.push(`replace_pattern(log.body, ${ottl(re)}, ${ottl(repl)}) where IsString(log.body)`);
    statements.push(`replace_all_patterns(log.attributes, "value", ${ottl(re)}, ${ottl(repl)})`);
    statements.push(`replace_all_patterns(log.body, "value", ${ottl(re)}, ${ottl(repl)}) where IsMap(log.body)`);
    statements.push(`replace_pattern(log.event_name, ${ottl(re)}, ${ottl(repl)}) where log.event_name != ""`);
    resourceStatements.push(`replace_all_patterns(resource.attributes, "value", ${ottl(re)}, ${ottl(repl)})`);
    scopeStatements.push(`replace_all_patterns(scope.attributes, "value", ${ottl(re)}, ${ottl(repl)})`);
  }
  return {
    statements,
    resourceStatements,
    scopeStatements,
    // Ends with a secret name: camelCase boundaries are invisible to a case-insensitive RE2 rule,
    // so no left anchor (at this layer `bypass` is masked too; the package decides finer).
    // An unqualified `key` name (`storageKey`, `x-functions-key`) masks its value too: a map's keys
    // and values cannot be read together here, so this layer does not ask the value's shape.
    // Not after a dot: in attribute names a dot separates namespaces, and `feature_flag.key`,
    // `aws.dynamodb.key`, `redis.key` name identifiers.
    blockedKeys: [`(?i)${name}\\]?(\\.[0-9]+)?$`, `${keyLabelSource('[_-]')}(\\.[0-9]+)?$`],
    ignoredKeys: [ignoredKeySource(name)],
    blockedValues: [JWT_SOURCE, `\\b(?:${PROVIDER_SOURCE})`, '-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY'],
  };
}

/** The YAML text between the markers of otel-collector.yaml. */
export function collectorRulesYaml(): { transform: string; resource: string; scope: string; redaction: string } {
  const r = collectorRules();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const list = (xs: string[]) => xs.map((s) => `          - ${q(s)}`).join('\n');
  const transform = list(r.statements);
  const redaction = [
    '    blocked_key_patterns:',
    ...r.blockedKeys.map((k) => `      - ${q(k)}`),
    '    ignored_key_patterns:',
    ...r.ignoredKeys.map((k) => `      - ${q(k)}`),
    '    blocked_values:',
    ...r.blockedValues.map((v) => `      - ${q(v.replace(/\$/g, '$$$$'))}`),
  ].join('\n');
  return { transform, resource: list(r.resourceStatements), scope: list(r.scopeStatements), redaction };
}
