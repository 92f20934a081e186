/**
 * Value patterns for free text (redaction.md section 3). The scanner collects [start, end) ranges
 * from each detector, merges overlaps and rebuilds the string once; a clean string is returned
 * as the same reference with no allocation.
 *
 * Fast path: strings shorter than MIN_SECRET_TEXT and strings with none of the cheap markers
 * below (one regex call) never reach a detector. Repeated values are memoized per key by the
 * walker instead (a global clean-string cache cost more on unique values than it saved).
 *
 * Linear time: every detector runs at a candidate position and scanning resumes after what it
 * consumed; look-aheads are bounded by constants, and per-string facts (is there whitespace, is
 * this a JWK, is this an OIDC claims request) are computed at most once per scan.
 */
import {
  K_AMBIGUOUS, K_ALLOW, K_CLAIMS_MEMBER, K_JWK, K_KEYLIKE, K_LINE, K_SECRET, isSafeAmbiguousString, looksLikeKeyMaterial,
  type KeyClassifier,
} from './keys';
import { INFIX_DETECTORS, JWT_SOURCE, PEM_SOURCE, PROVIDER_DETECTORS, PROVIDER_LEADS, PROVIDER_SOURCE, leads, type ValueDetector } from './detectors';

// Module-level copies of the builtins the scan calls: inside a vm context (jest runs tests in
// one) every lookup of a global such as `Math` goes through the context's interceptors, a native
// call per use; on the per-candidate path that tripled the cost of dense text.
const mathMin = Math.min;
const mathMax = Math.max;
const fromCharCode = String.fromCharCode;
const Int32ArrayCtor = Int32Array;
const Uint16ArrayCtor = Uint16Array;
const Uint8ArrayCtor = Uint8Array;
/** Node's Buffer (absent from some bundles and edge runtimes: then the portable path below). */
const NodeBuffer: typeof Buffer | undefined = typeof Buffer === 'function' ? Buffer : undefined;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The first `n` code units of `units` as a string: Latin-1 when every unit fits a byte (a
 *  one-byte string, as the scanned text usually is), else UTF-16 (lone surrogates kept). */
function unitsToString(units: Uint16Array, n: number, wide: boolean): string {
  if (NodeBuffer !== undefined && (LITTLE_ENDIAN || !wide)) {
    if (wide) return NodeBuffer.from(units.buffer, units.byteOffset, n * 2).toString('utf16le');
    const bytes = new Uint8ArrayCtor(n);
    for (let i = 0; i < n; i++) bytes[i] = units[i]!;
    return NodeBuffer.from(bytes.buffer, 0, n).toString('latin1');
  }
  let out = '';
  for (let i = 0; i < n; i += 4096) out += fromCharCode.apply(null, units.subarray(i, mathMin(n, i + 4096)) as unknown as number[]);
  return out;
}

/** Auth schemes, and what may separate one from its credential: spaces (NBSP too), `+` / `%20`
 *  (URLs, forms), `:` (`Bearer: x`), a line break or a literal `\n`. */
const SCHEME_SEP = '(?:\\s|\\+|%20|:|\\\\[nrt])';
/** A percent-encoded `=` (`%3D`, or `%253D` double-encoded): a pair separator, found by
 *  nextPair() with `=` and `:` rather than by the regex. */
const ENCODED_EQ_SOURCE = '%(?:25)?3D';
/** A password keyword and its value separated by blanks only: .netrc (`login u password p`),
 *  redis.conf (`requirepass p`), SQL (`WITH PASSWORD 'p'`, `IDENTIFIED BY 'p'`). */
/** The end of a quoted item followed by another one (`"x-auth-token", "…"`): a header list. */
const LIST_SOURCE = `["']\\s*,\\s*\\\\*["']`;
/** The words that open a keyword value (`password hunter2`, `requirepass x`), also MySQL's
 *  `PASSWORD('p')` and SQL's `VALUES (…)` (judged by its column list). */
const KEYWORD_WORDS = '(?:pass(?:word|wd)?|requirepass|masterauth|identified[ \\t]+by|values)';
const KEYWORD_HEAD = `(?:^|\\s|\\\\n)${KEYWORD_WORDS}`;
const KEYWORD_SOURCE = `${KEYWORD_HEAD}(?:[ \\t]+\\S|\\()`;
/**
 * Every detector needs one of these: `=` `:` `%` (key-value pairs, header lines, JSON, userinfo,
 * percent-encoded `%3D`), `eyJ` (JWT), a PEM header, an auth scheme followed by a separator,
 * `<` (XML elements) or a command-line flag. Provider credentials are found by providerAt()
 * (a two-character table lookup at word starts: an alternation of 40 prefixes costs 10×).
 */
const OTHER_SOURCE = `${ENCODED_EQ_SOURCE}|eyJ|-----BEGIN|(?:bearer|basic|dpop)${SCHEME_SEP}|<[A-Za-z_]|(?:^|[\\s'"])--?[A-Za-z][A-Za-z0-9-]{0,40}[ \\t]+\\S|${KEYWORD_SOURCE}|${LIST_SOURCE}`;
/** Percent-encoded structure: a quote, `:`, `<`, `{` or a line break behind `%XX` (or `%25XX`). */
const ENCODED_SOURCE = '%(?:25)?(?:22|27|3A|3C|7B|0A|0D)';
const ENCODED_STRUCTURE = new RegExp(ENCODED_SOURCE, 'i');
const MARKER_SOURCE = `[=:]|${OTHER_SOURCE}|${ENCODED_SOURCE}`;
export const MARKERS = new RegExp(MARKER_SOURCE, 'i');
/** Global copy: its first match is where a full scan can start. */
const FIRST_MARKER = new RegExp(MARKER_SOURCE, 'gi');

/** `code=x` is the shortest secret-bearing text worth a scan. */
const MIN_SECRET_TEXT = 6;
/** Context kept past maxStringLength so a secret straddling the cut is still recognised. */
const TRUNCATE_MARGIN = 512;
/** Characters around a pair remembered as harmless (see quietText): escapes are at most 5 wide. */
const QUIET_MARGIN = 5;
/** Bound on look-arounds at one candidate (tags, multipart headers, quoted names). */
const LOOK = 256;

/** Candidates other than `=`, `:` and `%3D` (those are found by nextPair's character loop, which is much cheaper
 *  per hit than a regex exec on separator-dense text such as URLs and JSON). */
const OTHER_CANDIDATES = new RegExp(OTHER_SOURCE.slice(ENCODED_EQ_SOURCE.length + 1), 'gi');
// Sticky detectors, run only at a candidate position.
const PEM = new RegExp(PEM_SOURCE, 'y');
const JWT = new RegExp(JWT_SOURCE, 'y');
const PROVIDER = new RegExp(`(?:${PROVIDER_SOURCE})`, 'y');
/** Two-character openings of provider credentials, as a 128×128 table. */
const LEAD = new Uint8Array(128 * 128);
/** First characters of those openings: most characters are ruled out with one read. */
const LEAD0 = new Uint8Array(128);
for (const l of PROVIDER_LEADS) {
  LEAD[l.charCodeAt(0) * 128 + l.charCodeAt(1)] = 1;
  LEAD0[l.charCodeAt(0)] = 1;
}
/**
 * Per two-character opening, only the detectors that open with it, as one sticky alternation in
 * catalog order (so the first match is the one the whole alternation would find): text dense with
 * one opening (`key-…` × n) runs a one- or two-way regex per word start, not all of them.
 */
const LEAD_RE: (RegExp | undefined)[] = new Array<RegExp | undefined>(128 * 128);
/** Per opening, the literal text every one of those detectors opens with, when longer than the
 *  opening (`key-` for `ke`): compared before the regex runs (a word `key` is not a candidate). */
const LEAD_LITERAL: string[] = new Array<string>(128 * 128).fill('');
{
  /** The literal characters every match of a prefix source opens with: up to its first
   *  metacharacter, less the character a quantifier makes optional; none with a top-level `|`. */
  const literal = (src: string): string => {
    let depth = 0;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '|' && depth === 0) return '';
    }
    const m = src.search(/[\\[\](){}.?*+|^$]/);
    if (m < 0) return src;
    return '?*+{'.includes(src[m]!) ? src.slice(0, m - 1) : src.slice(0, m);
  };
  const by = new Map<number, ValueDetector[]>();
  for (const d of PROVIDER_DETECTORS) {
    for (const l of new Set(leads(d.prefix))) {
      if (l.charCodeAt(0) >= 128 || l.charCodeAt(1) >= 128) continue;
      const k = l.charCodeAt(0) * 128 + l.charCodeAt(1);
      by.set(k, [...(by.get(k) ?? []), d]);
    }
  }
  for (const [k, ds] of by) {
    LEAD_RE[k] = new RegExp(`(?:${ds.map((d) => d.source).join('|')})`, 'y');
    // The common opening of the detectors' literals, kept only when each literal is the whole
    // opening of its detector at this lead (a class or group first means no literal).
    const lits = ds.map((d) => literal(d.prefix));
    let common = lits[0]!;
    for (const x of lits) while (!x.startsWith(common)) common = common.slice(0, -1);
    if (common.length > 2 && common.charCodeAt(0) * 128 + common.charCodeAt(1) === k) LEAD_LITERAL[k] = common;
  }
}
/** Shortest provider credential worth a look. */
const MIN_PROVIDER = 14;
/** A urlCtx for secretValue() outside a URL (hoisted: no closure per pair). */
const NOT_URL = (): boolean => false;
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);

/** The next provider credential at or after `from` (word starts only): [start, end), or null. */
function providerAt(s: string, from: number): [number, number] | null {
  const n = s.length - MIN_PROVIDER;
  // One read per character: the previous one is carried, not re-read.
  let prev = from > 0 ? s.charCodeAt(from - 1) : 32;
  for (let i = from; i <= n; i++) {
    const c0 = s.charCodeAt(i);
    const atWord = !isAlnum(prev);
    prev = c0;
    if (!atWord || c0 >= 128 || LEAD0[c0] !== 1) continue;
    const c1 = s.charCodeAt(i + 1);
    if (c1 >= 128 || LEAD[c0 * 128 + c1] !== 1) continue;
    const lit = LEAD_LITERAL[c0 * 128 + c1]!;
    if (lit.length > 0) {
      // The opening's first two characters are c0 c1 already.
      let k = 2;
      while (k < lit.length && s.charCodeAt(i + k) === lit.charCodeAt(k)) k++;
      if (k < lit.length) continue;
    }
    const re = LEAD_RE[c0 * 128 + c1] ?? PROVIDER;
    re.lastIndex = i;
    const m = re.exec(s);
    if (m !== null) return [i, i + m[0].length];
  }
  return null;
}
/**
 * The clean-string check of scan(), one pass of table lookups instead of the MARKERS regex
 * (about 5 ns per character: its alternatives can start almost anywhere) and providerAt.
 * True only when neither could find anything: every MARKERS alternative needs one of
 * `= : % < \\ ' " +`, a `-` at the start, after a blank or before another `-`, an `eyJ`, or a
 * blank right after one of SPACE_WORDS; a provider credential starts at a word start with a
 * LEAD pair. Non-ASCII text (other blanks, case folding) is left to the regex.
 */
/** Letters and digits other than e/E (a word goes on). */
const Q_WORD = 0;
/** Other punctuation (a word ends). */
const Q_OTHER = 1;
const Q_STOP = 2;
const Q_SPACE = 3;
const Q_DASH = 4;
const Q_E = 5;
/** `(`: `PASSWORD('p')`, `VALUES(` open a MARKERS match after their word. */
const Q_PAREN = 6;
const QUICK = new Uint8Array(128).fill(Q_OTHER);
for (let c = 0; c < 128; c++) if (isAlnum(c)) QUICK[c] = Q_WORD;
for (const c of '=:%<\\\'"+') QUICK[c.charCodeAt(0)] = Q_STOP;
// Azure AD client secrets' `Q~` infix: `~` is rare in text, so it is simply unsure.
QUICK[126] = Q_STOP;
for (const c of ' \t\n\v\f\r') QUICK[c.charCodeAt(0)] = Q_SPACE;
QUICK[45] = Q_DASH;
QUICK[40] = Q_PAREN;
QUICK[69] = Q_E;
QUICK[101] = Q_E;
/** The MARKERS source plainText() was checked against (test/redaction/plain-text.property.test.ts).
 *  If MARKERS changes, plainText() is off (scan() uses the regex alone) until it is checked again. */
export const PLAIN_TEXT_MARKERS = '[=:]|%(?:25)?3D|eyJ|-----BEGIN|(?:bearer|basic|dpop)(?:\\s|\\+|%20|:|\\\\[nrt])|<[A-Za-z_]|(?:^|[\\s\'"])--?[A-Za-z][A-Za-z0-9-]{0,40}[ \\t]+\\S|(?:^|\\s|\\\\n)(?:pass(?:word|wd)?|requirepass|masterauth|identified[ \\t]+by|values)(?:[ \\t]+\\S|\\()|["\']\\s*,\\s*\\\\*["\']|%(?:25)?(?:22|27|3A|3C|7B|0A|0D)';
export const PLAIN_TEXT_ON = MARKER_SOURCE === PLAIN_TEXT_MARKERS;

/** Whether `s` has `w` (lower-case) just before index `e`, in any ASCII case. */
function wordBefore(s: string, e: number, w: string): boolean {
  const n = w.length;
  if (e < n) return false;
  for (let j = 0; j < n; j++) if ((s.charCodeAt(e - n + j) | 32) !== w.charCodeAt(j)) return false;
  return true;
}

/** Whether a blank or `(` at `e` can follow a MARKERS word: an auth scheme, a password keyword
 *  or SQL `values` (requirepass ends in pass; `identified by` is caught at its first blank). */
function spaceWordBefore(s: string, e: number): boolean {
  if (e === 0) return false;
  switch (s.charCodeAt(e - 1) | 32) {
    case 114: return wordBefore(s, e, 'bearer');
    case 99: return wordBefore(s, e, 'basic');
    case 112: return wordBefore(s, e, 'dpop');
    case 115: return wordBefore(s, e, 'pass') || wordBefore(s, e, 'values');
    case 100: return wordBefore(s, e, 'passwd') || wordBefore(s, e, 'password') || wordBefore(s, e, 'identified');
    case 104: return wordBefore(s, e, 'masterauth');
    default: return false;
  }
}

/** Whether a PROSE_WORDS word (any case, whole) ends at e: PROSE_WORDS.has(proseWordBefore(s, e))
 *  without the copy. */
function isProseWord(s: string, e: number): boolean {
  const whole = (w: string): boolean => wordBefore(s, e, w) && (e === w.length || !isAlnum(s.charCodeAt(e - w.length - 1)));
  switch (s.charCodeAt(e - 1) | 32) {
    case 116: return whole('secret');
    case 110: return whole('token');
    case 100: return whole('password') || whole('passwd') || whole('pwd');
    case 101: return whole('passphrase');
    case 108: return whole('credential');
    case 115: return whole('secrets') || whole('passwords') || whole('credentials');
    case 121: return whole('api key') || whole('apikey');
    default: return false;
  }
}

/** Whether the blank at e ends a prose cue (hasUngatedCue's ` is ` / ` was ` after a secret word,
 *  or `token` before a 16+ character word): then plainText() is unsure. */
function proseCueBefore(s: string, e: number): boolean {
  if (e < 4) return false;
  const last = s.charCodeAt(e - 1) | 32;
  if (last === 115) {
    // ` is ` / ` was `
    const b = s.charCodeAt(e - 3) === 32 && (s.charCodeAt(e - 2) | 32) === 105 ? e - 3 : s.charCodeAt(e - 4) === 32 && wordBefore(s, e, 'was') ? e - 4 : -1;
    if (b <= 0 || !isProseWord(s, b)) return false;
    // The value proseAt() would take (unquoted: `'` and `"` are unsure anyway) has 8+
    // characters and a digit, or 16+ (key material): `token is invalid` stays clean.
    // A quoted value (a backtick is no MARKERS character) is taken whatever its form.
    if (s.charCodeAt(e + 1) === 96) return true;
    let k = e + 1;
    let digit = false;
    while (k < s.length && QUICK[s.charCodeAt(k)] !== Q_SPACE) {
      const d = s.charCodeAt(k++);
      if (d >= 48 && d <= 57) digit = true;
    }
    return k - e - 1 >= 16 || (digit && k - e - 1 >= 8);
  }
  if (last === 110 && wordBefore(s, e, 'token')) {
    const lim = e + 17;
    if (lim > s.length) return false;
    for (let k = e + 1; k < lim; k++) if (QUICK[s.charCodeAt(k)] === Q_SPACE) return false;
    return true;
  }
  return false;
}

/** True when `s` (ASCII) has nothing MARKERS or providerAt would find; false when unsure. */
export function plainText(s: string): boolean {
  const len = s.length;
  const lastLead = len - MIN_PROVIDER;
  /** The previous character is not a letter or digit: a word starts here. */
  let start = true;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return false;
    const q = QUICK[c]!;
    switch (q) {
      case Q_WORD:
        break;
      case Q_OTHER:
        // Infix anchors outside MARKERS: Terraform's `.atlasv1.`, Oracle's `@//`.
        if ((c === 46 && i + 1 < len && s.charCodeAt(i + 1) === 97 && sameAt(s, i, '.atlasv1.')) || (c === 64 && i + 1 < len && s.charCodeAt(i + 1) === 47)) return false;
        break;
      case Q_SPACE:
      case Q_PAREN:
        if (spaceWordBefore(s, i)) return false;
        // Prose cues end in `is` / `was` or `token`: other words are out with one read.
        if (q === Q_SPACE && i > 3 && ((s.charCodeAt(i - 1) | 32) === 115 || (s.charCodeAt(i - 1) | 32) === 110) && proseCueBefore(s, i)) return false;
        break;
      case Q_DASH:
        if (i === 0 || QUICK[s.charCodeAt(i - 1)] === Q_SPACE || (i + 1 < len && s.charCodeAt(i + 1) === 45)) return false;
        // Mailchimp's `-usN` infix.
        if (i + 2 < len && s.charCodeAt(i + 1) === 117 && s.charCodeAt(i + 2) === 115) return false;
        break;
      case Q_E:
        // (Reads stay in bounds: an out-of-range charCodeAt deoptimizes the loop.)
        if (i + 2 < len && (s.charCodeAt(i + 1) | 32) === 121 && (s.charCodeAt(i + 2) | 32) === 106) return false;
        break;
      default:
        return false;
    }
    // providerAt's test, at word starts only.
    if (start && i <= lastLead) {
      const c1 = s.charCodeAt(i + 1);
      if (c1 < 128 && LEAD[c * 128 + c1] === 1) {
        PROVIDER.lastIndex = i;
        if (PROVIDER.test(s)) return false;
      }
    }
    start = q !== Q_WORD && q !== Q_E;
  }
  return true;
}

/** Infix detectors, compiled: the anchor, a per-character test for what may stand before it,
 *  and the sticky whole-match regex. */
const INFIX = INFIX_DETECTORS.map((d) => ({
  anchor: d.anchor,
  before: d.before,
  cls: new RegExp(`^${d.beforeClass}$`),
  re: new RegExp(d.source, 'y'),
}));
/** Infix detectors by anchor. */
const INFIX_BY_ANCHOR: ReadonlyMap<string, (typeof INFIX)[number]> = new Map(INFIX.map((d) => [d.anchor, d]));
/** The infix-detector match around the anchor at a: pushes it and returns its end, or -1. At most
 *  `before` class tests and one bounded sticky match. */
function infixAt(d: (typeof INFIX)[number], s: string, a: number, r: number[]): number {
  let b = a;
  while (b > 0 && a - b < d.before && d.cls.test(s[b - 1]!)) b--;
  d.re.lastIndex = b;
  const m = d.re.exec(s);
  if (m === null || (b > 0 && isAlnum(s.charCodeAt(b - 1)))) return -1;
  r.push(b, b + m[0].length);
  return b + m[0].length;
}
/** Pushes the `nth` blank-separated word from v (htpasswd's batch password); returns its end. */
function htpasswdPassword(s: string, v: number, nth: number, r: number[]): number {
  const n = s.length;
  let i = v;
  for (let w = 1; i < n; w++) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    const b = i;
    while (i < n && !isSpace(s.charCodeAt(i))) i++;
    if (i === b) break;
    // Flags stand before the first positional word; after it a leading `-` is the value's own.
    if (s.charCodeAt(b) === 45 && w === 1) w--;
    else if (w === nth) {
      r.push(b, i);
      return i;
    }
  }
  return i;
}
/** A user name as people and services choose them (`alice`, `app`, `john.doe`, `deploy-bot2`):
 *  lower case, at most two letter/digit changes, short. A username-only userinfo of that shape
 *  names an account and is kept; anything else (a token as the user, `https://<token>@host`) goes. */
const PLAIN_USER = /^[a-z][a-z0-9]{0,23}(?:[._-][a-z0-9]{1,24}){0,3}$/;
function plainUser(s: string, b: number, e: number): boolean {
  if (e - b > 32) return false;
  const u = s.slice(b, e);
  if (!PLAIN_USER.test(u)) return false;
  let changes = 0;
  for (let i = 1; i < u.length; i++) if ((u.charCodeAt(i) <= 57) !== (u.charCodeAt(i - 1) <= 57)) changes++;
  return changes <= 2;
}
/** Set-Cookie attributes: not cookies, never secret. */
const COOKIE_ATTRIBUTES: ReadonlySet<string> = new Set(['path', 'domain', 'expires', 'max-age', 'samesite', 'secure', 'httponly', 'partitioned', 'priority', 'version', 'comment']);
/** A cookie value that is a preference, not a credential: short words (`dark`, `en-US`, `true`)
 *  or a small number. Mixed-case runs, digits inside letters and long values fail. */
const PLAIN_COOKIE_VALUE = /^(?:(?:[A-Z]?[a-z]{1,12}|[A-Z]{1,4})(?:[-_.](?:[A-Z]?[a-z]{1,12}|[A-Z]{1,4})){0,2}|[0-9]{1,6})$/;
/** `cookie` / `set-cookie` (any case and separator). */
function isCookieHeader(name: string): boolean {
  const l = name.length;
  if (l !== 6 && l !== 10) return false;
  const x = name.toLowerCase();
  return x === 'cookie' || x === 'set-cookie' || x === 'set_cookie';
}
/** The end of a credential's percent-encoded base64 tail from e (`…%2B2TMQ%2FHSY`: `+`, `/`
 *  and `=` encoded in a URL): the body after an escape is the same credential. */
function encodedTail(s: string, e: number): number {
  const n = s.length;
  while (e + 2 < n && s.charCodeAt(e) === 37) {
    const b = byteAt(s, e + 1);
    if (b !== 0x2b && b !== 0x2f && b !== 0x3d) break;
    let k = e + 3;
    while (k < n && isB64Url(s.charCodeAt(k))) k++;
    e = k;
  }
  return e;
}
/** Secret words that, in prose, name the value after `is` / `was` (`secret is "…"`). */
const PROSE_WORDS: ReadonlySet<string> = new Set(['secret', 'secrets', 'password', 'passwords', 'passphrase', 'passwd', 'pwd', 'token', 'credential', 'credentials', 'apikey']);
/** A word with letters and digits, 8+ characters, no path: a password as people write them. */
const PROSE_PASSWORD = /^(?=[^/]*$)(?=.*[0-9])(?=.*[A-Za-z]).{8,256}$/;
/** Shortest infix-detector match: shorter strings skip the anchor searches. */
const MIN_INFIX = 35;
const isProsePunct = (c: number): boolean => c === 46 || c === 44 || c === 59 || c === 33 || c === 63 || c === 41;
/** The word ending at e (letters only; `api key` read as one word), or '' when none could be a
 *  PROSE_WORDS member (checked on its last letter first: most sentences stop there). */
function proseWordBefore(s: string, e: number): string {
  const last = s.charCodeAt(e - 1) | 32;
  // t (secret), n (token), d (password, passwd, pwd), e (passphrase), l (credential), s (plurals), y (api key)
  if (last !== 116 && last !== 110 && last !== 100 && last !== 101 && last !== 108 && last !== 115 && last !== 121) return '';
  let b = e;
  while (b > 0 && e - b < 12 && ((s.charCodeAt(b - 1) | 32) >= 97 && (s.charCodeAt(b - 1) | 32) <= 122)) b--;
  if (b > 0 && isAlnum(s.charCodeAt(b - 1))) return '';
  const w = s.slice(b, e).toLowerCase();
  if (w === 'key' && b >= 4 && s.slice(b - 4, b).toLowerCase() === 'api ') return 'apikey';
  return w;
}
/** End of a prose value at v: to the next blank, less trailing sentence punctuation. */
function proseValueEnd(s: string, v: number): number {
  let ve = v;
  while (ve < s.length && !isSpace(s.charCodeAt(ve))) ve++;
  while (ve > v && isProsePunct(s.charCodeAt(ve - 1))) ve--;
  return ve;
}
/** The value after one ` is ` / ` was ` cue at i (cue length l), when a secret word precedes it. */
function proseAt(s: string, i: number, l: number, r: number[]): number {
  if (i === 0 || !PROSE_WORDS.has(proseWordBefore(s, i))) return i + 1;
  const v = i + l;
  const q = s.charCodeAt(v);
  if (q === 34 || q === 39 || q === 96) {
    // The closing quote within 256 characters (bounded: a run of unclosed cues stays linear).
    let ve = v + 1;
    const lim = mathMin(s.length, v + 257);
    while (ve < lim && s.charCodeAt(ve) !== q) ve++;
    if (ve >= lim) return i + 1;
    if (ve > v + 1 && !/^[a-z]{1,14}$/.test(s.slice(v + 1, ve))) r.push(v + 1, ve);
    return ve;
  }
  const ve = proseValueEnd(s, v);
  if (ve - v < 8) return i + 1;
  const w = s.slice(v, ve);
  if (PROSE_PASSWORD.test(w) || looksLikeKeyMaterial(w)) r.push(v, ve);
  return ve;
}
/*
 * Prose that names a secret and then gives it: `secret is "…"`, `the password was Winter2019x`,
 * `using token <key material>`. Precise by construction: the value must be quoted (and not one
 * lower-case word: `token is 'expired'`), or have a credential's form (letters and digits, or key
 * material). A cue without a secret word before it costs one character read.
 */
/** `using token <key material>` at the `oken ` found at i: pushes the value. */
function tokenProseAt(s: string, i: number, r: number[]): void {
  if (i < 1 || (s.charCodeAt(i - 1) | 32) !== 116 || (i > 1 && isAlnum(s.charCodeAt(i - 2)))) return;
  const v = i + 5;
  const ve = proseValueEnd(s, v);
  if (ve - v >= 16 && looksLikeKeyMaterial(s.slice(v, ve))) r.push(v, ve);
}
/** Every literal the checks below start from, as one regex: text without any of them (most of
 *  it) pays one scan, and each hit is judged where it stands, not searched for again. */
const UNGATED_CUES = new RegExp([...INFIX_DETECTORS.map((d) => d.anchor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), ' is ', ' was ', 'oken ', ' -> ', '@//'].join('|'), 'g');
/** The same, for a yes/no answer with no match object. */
const UNGATED_TEST = new RegExp(UNGATED_CUES.source);
/** Scratch for the fast path's probes (cleared after each use). */
const SCRATCH: number[] = [];
/** Whether anything past the marker gate could match in s: an infix provider's anchor, a prose
 *  value, a `->` pair (then the full scan decides). */
function hasUngatedCue(s: string): boolean {
  if (!UNGATED_TEST.test(s)) return false;
  UNGATED_CUES.lastIndex = 0;
  let found = false;
  for (let m = UNGATED_CUES.exec(s); m !== null && !found; m = UNGATED_CUES.exec(s)) {
    const c = m[0];
    if (c === ' is ' || c === ' was ') proseAt(s, m.index, c.length, SCRATCH);
    else if (c === 'oken ') tokenProseAt(s, m.index, SCRATCH);
    else if (c === ' -> ' || c === '@//' || s.length >= MIN_INFIX) return true;
    found = SCRATCH.length > 0;
    UNGATED_CUES.lastIndex = m.index + 1;
  }
  SCRATCH.length = 0;
  return found;
}
/** Sentry Relay's bearer shape, extended to Basic and DPoP, with the separators above. */
const SCHEME = /(?:bearer|basic|dpop)(?:[\s\u00a0]+|%20|\+|:[ \t\u00a0]*|(?:\\[nrt])+[ \t]*)([A-Za-z0-9\-._~+/%]+=*)/iy;
const FLAG = /(?:^|[\s'"])(--?[A-Za-z][A-Za-z0-9-]{0,40})[ \t]+/y;
/** What a label (`name="…"`, `key="…"`) looks like: a setting, header or path name. */
const LABEL_TEXT = /^[A-Za-z_.$/][\w.$/ :\[\]-]*$/;
/** Label members of `{ name | key, value }` pairs (walker.ts LABEL_KEYS, lower-cased). */
const LABEL_NAMES: ReadonlySet<string> = new Set(['name', 'key', 'parameterkey', 'parametername', 'headername', 'optionname']);
/** Whether `name` is one of LABEL_NAMES, any case. The first letter and the length decide most
 *  names without the lower-casing copy (it runs once per pair on dense text). */
function isLabelName(name: string): boolean {
  const l = name.length;
  if (l < 3 || l > 13) return false;
  const c = name.charCodeAt(0) | 32;
  if (c !== 110 && c !== 107 && c !== 112 && c !== 104 && c !== 111) return false; // n k p h o
  return LABEL_NAMES.has(name.toLowerCase());
}
const FORM_PROSE = /^[A-Za-z]{1,14}(?:(?:\+|%20)[A-Za-z]{1,14}){2,}$/;
const KEYWORD = new RegExp(`${KEYWORD_HEAD}(?:[ \\t]+|\\([ \\t]*)`, 'iy');
/** First letters of KEYWORD_HEAD's words (`pass…`, `requirepass`, `masterauth`, `identified`,
 *  `values`), both cases (the `i` flag folds no non-ASCII character onto ASCII ones); read from
 *  KEYWORD_WORDS so that the two cannot disagree. */
const KEYWORD_INITIAL = new Uint8Array(128);
{
  let depth = 0;
  let start = true;
  for (const c of KEYWORD_WORDS.slice(3, -1)) {
    if (start) {
      KEYWORD_INITIAL[c.toLowerCase().charCodeAt(0)] = 1;
      KEYWORD_INITIAL[c.toUpperCase().charCodeAt(0)] = 1;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    start = c === '|' && depth === 0;
  }
}
/** curl's credential flags (`-u user:pass`, `-b 'sid=…'`, `--oauth2-bearer t`). */
export const CREDENTIAL_FLAGS: ReadonlySet<string> = new Set(['-u', '-U', '--user', '--proxy-user', '-b', '--cookie', '--oauth2-bearer', '-E', '--cert', '--pass', '--password', '--token', '--secret', '--api-key', '--tlspassword', '--proxy-pass']);
/** User flags whose value is secret only as `user:password`. */
export const USER_FLAGS: ReadonlySet<string> = new Set(['-u', '-U', '--user', '--proxy-user']);
/** Commands whose `-p` / `-a` flag takes a password (`sshpass -p pw`, `redis-cli -a pw`). */
export const PASSWORD_FLAG_COMMANDS: ReadonlyMap<string, string> = new Map([['sshpass', '-p'], ['redis-cli', '-a'], ['keydb-cli', '-a']]);
/** Commands whose `login -p pw` takes a password. */
export const LOGIN_COMMANDS: ReadonlySet<string> = new Set(['docker', 'podman', 'nerdctl', 'helm', 'buildah', 'skopeo', 'oras']);
/** Commands whose attached `-pPASSWORD` is a password. */
export const MYSQL_COMMANDS: ReadonlySet<string> = new Set(['mysql', 'mysqldump', 'mysqladmin', 'mariadb', 'mariadb-dump', 'mysqlimport', 'mysqlsh']);

/** The command (basename, lower case) opening the line that holds i, looking back at most LOOK
 *  characters; '' when the line starts further back. Skips `sudo` and `$ ` prompts. */
function lineCommand(s: string, i: number): string {
  const min = i > LOOK ? i - LOOK : 0;
  let b = i;
  while (b > min && s.charCodeAt(b - 1) !== 10 && !(s.charCodeAt(b - 1) === 110 && s.charCodeAt(b - 2) === 92)) b--;
  if (b === min && min > 0) return '';
  const words = s.slice(b, i).trim().split(/[ \t]+/);
  let w = 0;
  while (w < words.length - 1 && (words[w] === 'sudo' || words[w] === '$' || words[w] === '#' || words[w]!.includes('='))) w++;
  const c = words[w] ?? '';
  return c.slice(c.lastIndexOf('/') + 1).replace(/^["']/, '').toLowerCase();
}

export const AUTH_SCHEMES: ReadonlySet<string> = new Set([
  'bearer', 'basic', 'dpop', 'digest', 'negotiate', 'ntlm', 'token', 'mac', 'hoba', 'mutual', 'gnap',
  'privatetoken', 'aws4-hmac-sha256', 'vapid', 'scram-sha-1', 'scram-sha-256', 'concealed',
]);
const SCHEME_MAX = Math.max(...[...AUTH_SCHEMES].map((x) => x.length));
/** AUTH_SCHEMES by length, for an allocation-free lookup (it runs once per value on dense text). */
const SCHEMES_BY_LENGTH: readonly (readonly string[])[] = Array.from({ length: SCHEME_MAX + 1 }, (_, l) => [...AUTH_SCHEMES].filter((x) => x.length === l));
/** First letters of the auth schemes (lower case): most values are ruled out by their first. */
const SCHEME_INITIAL = new Uint8Array(128);
for (const x of AUTH_SCHEMES) SCHEME_INITIAL[x.charCodeAt(0)] = 1;
/** Whether s[i, j) is an auth scheme, any case. Scheme characters are letters, digits and
 *  `.~-`, which `| 32` maps to themselves or to lower case; `_` maps to DEL and never matches. */
function isScheme(s: string, i: number, j: number): boolean {
  if (j - i > SCHEME_MAX) return false;
  const cands = SCHEMES_BY_LENGTH[j - i]!;
  outer: for (let k = 0; k < cands.length; k++) {
    const w = cands[k]!;
    for (let x = 0; x < w.length; x++) if ((s.charCodeAt(i + x) | 32) !== w.charCodeAt(x)) continue outer;
    return true;
  }
  return false;
}
/** WWW-Authenticate parameters: `Bearer realm="x"` is a challenge, not a credential. */
const AUTH_PARAMS = new Set([
  'realm', 'error', 'error_description', 'error_uri', 'scope', 'algs', 'charset', 'nonce',
  'resource_metadata', 'as_uri', 'resource',
]);
const LITERALS = new Set(['null', 'true', 'false', 'undefined', 'None', 'nil', 'NULL']);
/** Whether s[vs, ve) is one of LITERALS, also as the last token of a pretty-printed JSON line
 *  (`true,`). The first letter rules out most values without a copy. */
function isLiteral(s: string, vs: number, ve: number): boolean {
  if (ve - vs > 10 || ve - vs < 3) return false;
  const c = s.charCodeAt(vs);
  if (c !== 110 && c !== 116 && c !== 102 && c !== 117 && c !== 78) return false; // n t f u N
  return LITERALS.has(s.slice(vs, ve)) || (s.charCodeAt(ve - 1) === 44 && LITERALS.has(s.slice(vs, ve - 1)));
}

export interface TextOptions {
  classify: KeyClassifier;
  mask: (secret: string) => string;
  /** What mask() returns whatever the secret, when it does (no fingerprint): the secret is then
   *  never copied out of the text. */
  constantMask?: string;
  extraPatterns: readonly RegExp[];
  maxStringLength: number;
  /** false: judge every pair, also the repeats of a harmless one (see quietText): the reference
   *  that skip is tested against. Default true. */
  quietPairs?: boolean;
}

export interface TextScanner {
  /** Redacts secret-shaped content; returns `s` itself when nothing changed. */
  scan(s: string): string;
  /** Redacts a value known to be secret, keeping a leading auth scheme (`Bearer [REDACTED]`). */
  maskSecret(s: string): string;
  /** True when `s` may contain secret-shaped content (used for object keys). */
  hasMarkers(s: string): boolean;
}

// Character classes as lookup tables (charCode < 128).
const IDENT = new Uint8Array(128);
const TERM = new Uint8Array(128);
const SCHEME_CHAR = new Uint8Array(128);
/** Characters of a parameter name in text: identifiers plus brackets (`user[password]`,
 *  `access_token[]`, PHP's `[access_token]`). */
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_.-]/.test(ch)) IDENT[c] = 1;
  if (/[A-Za-z0-9_.[\]-]/.test(ch)) NAME[c] = 1;
  if (c <= 32 || '&#;,"\'<>\\|`()[]{}'.includes(ch)) TERM[c] = 1;
  // Auth scheme token characters (`aws4-hmac-sha256`).
  if (/[A-Za-z0-9._~-]/.test(ch)) SCHEME_CHAR[c] = 1;
}
/** Where labelled() looks for a value: `>` `}` `<` end the element or object, `v` / `V` / `c` /
 *  `C` may open `value` / `content`. */
const LABEL_STOP = new Uint8Array(128);
for (const c of '>}<vVcC') LABEL_STOP[c.charCodeAt(0)] = 1;
/** Bytes that end a value when percent-encoded: whitespace and the terminator characters above. */
const TERM_BYTE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d, 0x26, 0x23, 0x3b, 0x2c, 0x22, 0x27, 0x3c, 0x3e, 0x5c, 0x7c, 0x60, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d]) TERM_BYTE[b] = 1;
/** Percent-encoded bytes allowed inside a parameter name (`access%5Ftoken`, `user%5Bpassword%5D`). */
const isNameByte = (b: number): boolean => b === 0x5f || b === 0x2d || b === 0x2e || b === 0x5b || b === 0x5d;
/** `?`, `&`, `#`: a parameter of a URL query, fragment or form body. */
const isQueryDelimiter = (b: number): boolean => b === 0x3f || b === 0x26 || b === 0x23;

const isB64Url = (c: number): boolean => c < 128 && (IDENT[c] === 1 && c !== 46);

const hexVal = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1);

/** The byte two hex digits at i encode, or -1. */
function byteAt(s: string, i: number): number {
  const h = hexVal(s.charCodeAt(i));
  const l = hexVal(s.charCodeAt(i + 1));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

/** A percent escape at i, single (`%XX`) or double (`%25XX`): `(length << 8) | byte`, or -1. */
function escapeAt(s: string, i: number): number {
  if (s.charCodeAt(i) !== 37) return -1;
  const a = byteAt(s, i + 1);
  if (a < 0) return -1;
  if (a === 0x25) {
    const b = byteAt(s, i + 3);
    if (b >= 0) return (5 << 8) | b;
  }
  return (3 << 8) | a;
}

/** The byte of a percent escape ending at e (exclusive), single or double, or -1. */
function escapeBefore(s: string, e: number): number {
  if (e >= 5 && s.charCodeAt(e - 5) === 37 && byteAt(s, e - 4) === 0x25) return byteAt(s, e - 2);
  if (e >= 3 && s.charCodeAt(e - 3) === 37) return byteAt(s, e - 2);
  return -1;
}

/** End of an unquoted value starting at i. */
function endOfValue(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128 && TERM[c] === 1) return i;
    if (c === 37) {
      const e = escapeAt(s, i);
      if (e >= 0 && TERM_BYTE[e & 255] === 1) return i;
    }
    i++;
  }
  return n;
}

/**
 * End of an unquoted secret value at i: like endOfValue, but a password's own punctuation
 * (`6Y(Mj&bN`, `a|b`, `x]]y`) does not end it; blanks, quotes and backslashes still do. Linear:
 * every step moves forward.
 */
function endOfSecretValue(s: string, i: number): number {
  const n = s.length;
  const isCloser = (c: number): boolean => c === 41 || c === 93 || c === 125 || c === 62 || c === 38 || c === 59 || c === 44 || c === 35;
  let e = endOfValue(s, i);
  while (e < n) {
    const c = s.charCodeAt(e);
    if (c === 40 || c === 91 || c === 123 || c === 124 || c === 96) {
      // An opener, `|` or backtick never ends it.
      e = endOfValue(s, e + 1);
      continue;
    }
    if (!isCloser(c)) break;
    // Closers and `&` `;` `,` `#` end it before a blank (`User(password=x)`, `{password=x}, …`)
    // or another `name=` / `name:` / `name%XX` pair; inside a value (`ab)}&cd`) they do not.
    let j = e + 1;
    while (j < n && isCloser(s.charCodeAt(j))) j++;
    const d = s.charCodeAt(j);
    if (j >= n || isSpace(d) || d === 34 || d === 39 || d === 92) break;
    let k = j;
    while (k < n && s.charCodeAt(k) < 128 && NAME[s.charCodeAt(k)] === 1) k++;
    const f = s.charCodeAt(k);
    if (k > j && (f === 61 || f === 58 || f === 37)) break;
    e = endOfValue(s, j);
  }
  return e;
}

/**
 * Length of `Scheme<sep>` when a known auth scheme (`Bearer `, `Basic%20`, `DPoP+`) opens the
 * text at i and something follows it before `end`; else 0. Hand-written: it runs on every
 * secret value, and the equivalent regex backtracks over long tokens.
 */
function schemeAt(s: string, i: number, end: number): number {
  const c0 = s.charCodeAt(i) | 32;
  if (c0 < 97 || c0 > 122 || SCHEME_INITIAL[c0] !== 1) return 0;
  let j = i + 1;
  const lim = mathMin(end, i + SCHEME_MAX);
  while (j < lim) {
    const c = s.charCodeAt(j);
    if (c >= 128 || SCHEME_CHAR[c] !== 1) break;
    j++;
  }
  let k = j;
  const c = s.charCodeAt(k);
  if (c === 58) k++; // `Bearer: x`
  const d = s.charCodeAt(k);
  if (isSpace(d)) while (k < end && isSpace(s.charCodeAt(k))) k++;
  else if (d === 43 && c !== 58) k++;
  else if (d === 37 && c !== 58 && s.charCodeAt(k + 1) === 50 && s.charCodeAt(k + 2) === 48) k += 3;
  else if (c !== 58) return 0;
  if (k >= end || !isScheme(s, i, j)) return 0;
  return k - i;
}

/** Space, tab, NBSP, CR, LF. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 0xa0 || c === 10 || c === 13;

/** End of a header value at i, following obs-folded continuation lines (a line break followed by
 *  a space or tab, raw or as literal escapes). */
function endOfFoldedLine(s: string, i: number): number {
  for (;;) {
    const e = endOfLine(s, i);
    let k = e;
    const n = s.length;
    let breaks = 0;
    while (k < n && breaks < 2) {
      const c = s.charCodeAt(k);
      if (c === 13 || c === 10) k++;
      else if (c === 92 && (s.charCodeAt(k + 1) === 110 || s.charCodeAt(k + 1) === 114)) k += 2;
      else break;
      breaks++;
    }
    if (k === e || k >= n) return e;
    const c = s.charCodeAt(k);
    if (c !== 32 && c !== 9) return e;
    i = k;
  }
}

/** Whether s[from, e) ends with a bare auth scheme word (`… Bearer`, trailing spaces allowed). */
function endsWithScheme(s: string, from: number, e: number): boolean {
  while (e > from && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9 || s.charCodeAt(e - 1) === 58)) e--;
  let b = e;
  while (b > from && e - b <= SCHEME_MAX && b > 0 && ((s.charCodeAt(b - 1) | 32) >= 97 && (s.charCodeAt(b - 1) | 32) <= 122)) b--;
  return b < e && (b === from || isSpace(s.charCodeAt(b - 1))) && isScheme(s, b, e);
}

/** End of the line at i: CR, LF, or a literal `\r` / `\n` escape inside an encoded string
 *  (at most `limit`, when given). */
function endOfLine(s: string, i: number, limit = s.length): number {
  const n = limit;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (c === 92) {
      const d = s.charCodeAt(i + 1);
      if (d === 110 || d === 114) return i;
    }
    i++;
  }
  return n;
}

/** Index after the bracket matching the one at i (quote-unaware), or the end of the string. */
function endOfBracket(s: string, i: number): number {
  let depth = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return n;
}

/** Index of the closing quote `q` after i, skipping backslash escapes, or the end of the string. */
function endOfQuoted(s: string, i: number, q: number): number {
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === q) return i;
  }
  return n;
}

/** Start of the parameter name that ends at e (exclusive), walking back over name characters. */
function startOfName(s: string, e: number): number {
  const min = mathMax(0, e - 64);
  let b = e;
  // Fast path: plain name characters. Escapes (`%5F`, `\n`) can only change the answer when the
  // walk stops on a `%` or a backslash (neither is a name character); then the full walk decides.
  while (b > min) {
    const c = s.charCodeAt(b - 1);
    if (c >= 128 || NAME[c] !== 1) break;
    b--;
  }
  if (b === 0 || (s.charCodeAt(b - 1) !== 37 && s.charCodeAt(b - 1) !== 92)) return b;
  b = e;
  while (b > min) {
    const c = s.charCodeAt(b - 1);
    if (c >= 128 || NAME[c] !== 1) break;
    // `\nAuthorization`: the letter after a backslash belongs to an escape, not to the name.
    if (b >= 2 && s.charCodeAt(b - 2) === 92) break;
    // `%5F` / `%255F` ends here: accept name escapes, stop at any other escape.
    if (b >= 5 && s.charCodeAt(b - 5) === 37 && byteAt(s, b - 4) === 0x25 && byteAt(s, b - 2) >= 0) {
      if (!isNameByte(byteAt(s, b - 2))) break;
      b -= 5;
      continue;
    }
    if (b >= 3 && s.charCodeAt(b - 3) === 37 && byteAt(s, b - 2) >= 0) {
      if (!isNameByte(byteAt(s, b - 2))) break;
      b -= 3;
      continue;
    }
    b--;
  }
  return b;
}

/** Whether `w` stands in s at b (a loop: cheaper than startsWith for the short names it compares). */
function sameAt(s: string, b: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) if (s.charCodeAt(b + k) !== w.charCodeAt(k)) return false;
  return true;
}

/** Whether a `=` / `:` at p can be a pair's separator: a name character, a quote or a blank
 *  before it, or `://` (userinfo). Dense separators (`::::`, `=,=,`) are skipped without a call. */
function pairAt(s: string, p: number): boolean {
  return nameBefore(s, p) || (s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 47 && s.charCodeAt(p + 2) === 47) ||
    // `Key (api_key)=(…)`: a parenthesized column list (PostgreSQL details).
    (s.charCodeAt(p - 1) === 41 && s.charCodeAt(p + 1) === 40);
}

/** Whether the character before p can end a name (a name character, a quote, a blank): with
 *  anything else pair() finds no name and returns at once. */
function nameBefore(s: string, p: number): boolean {
  const c = s.charCodeAt(p - 1);
  return c < 128 && (NAME[c] === 1 || c === 34 || c === 39 || c === 32 || c === 9);
}

/** The next `=` / `:` at or after `from` that can be a pair's separator, or -1. One character
 *  loop: on separator-dense text an indexOf call per candidate cost more than the pair itself. */
function nextPair(s: string, from: number): number {
  const n = s.length;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c === 61 || c === 58) && pairAt(s, i)) return i;
    if (c === 37 && nameBefore(s, i) && encodedEqLength(s, i) > 0) return i;
  }
  return -1;
}

/** Length of a `%3D` / `%253D` (any case) at i, or 0 (ENCODED_EQ_SOURCE by hand: on text
 *  dense with it, a regex call per escape cost more than the pair). */
function encodedEqLength(s: string, i: number): number {
  let k = i + 1;
  if (s.charCodeAt(k) === 50 && s.charCodeAt(k + 1) === 53) k += 2; // `25`
  if (s.charCodeAt(k) === 51 && (s.charCodeAt(k + 1) | 32) === 100) return k + 2 - i; // `3D`
  return 0;
}

/** A Bearer/Basic/DPoP credential rather than prose ("Basic auth", "Bearer tokens"). */
function looksLikeCredential(c: string): boolean {
  if (c.length < 6) return false;
  const eq = c.indexOf('=');
  if (eq > 0 && AUTH_PARAMS.has(c.slice(0, eq).toLowerCase())) return false;
  if (c.length >= 16) return true;
  for (let i = 1; i < c.length; i++) {
    const x = c.charCodeAt(i);
    if (x < 97 || x > 122) return true;
  }
  return false;
}

/** Ranges [start, end) flattened pairwise, sorted and with overlaps merged (exported for tests). */
export function sortAndMerge(r: number[]): number[] {
  if (r.length <= 2) return r;
  // Detectors report in scan order, so ranges are almost always sorted and disjoint already.
  let ordered = true;
  for (let i = 2; i < r.length && ordered; i += 2) ordered = r[i]! >= r[i - 1]!;
  if (ordered) return r;
  // Otherwise they are a few sorted runs (the pair scan, providers, cues, a decoded layer):
  // merged pairwise, linear for a fixed number of runs (a comparison sort of every range was a
  // quarter of the cost of text that redacts a value every few bytes in two layers).
  let runs: number[][] = [];
  let from = 0;
  for (let i = 2; i <= r.length; i += 2) {
    if (i === r.length || before(r, i, r, i - 2)) {
      runs.push(from === 0 && i === r.length ? r : r.slice(from, i));
      from = i;
    }
  }
  while (runs.length > 1) {
    const next: number[][] = [];
    for (let k = 0; k < runs.length; k += 2) next.push(k + 1 < runs.length ? mergeRuns(runs[k]!, runs[k + 1]!) : runs[k]!);
    runs = next;
  }
  const sorted = runs[0]!;
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i += 2) {
    const s = sorted[i]!;
    const e = sorted[i + 1]!;
    const last = out.length - 1;
    if (last > 0 && s < out[last]!) {
      if (e > out[last]!) out[last] = e;
    } else out.push(s, e);
  }
  return out;
}

/** Whether range a[i] sorts before range b[j]: by start, then the longer first. */
function before(a: number[], i: number, b: number[], j: number): boolean {
  return a[i]! < b[j]! || (a[i] === b[j] && a[i + 1]! > b[j + 1]!);
}

/** Two runs of ranges, each sorted by before(), as one. */
function mergeRuns(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (before(b, j, a, i)) {
      out.push(b[j]!, b[j + 1]!);
      j += 2;
    } else {
      out.push(a[i]!, a[i + 1]!);
      i += 2;
    }
  }
  for (; i < a.length; i += 2) out.push(a[i]!, a[i + 1]!);
  for (; j < b.length; j += 2) out.push(b[j]!, b[j + 1]!);
  return out;
}

/** Decodes a quoted JSON/JS name's escapes (`\u0070assword`, `\"`); bounded by LOOK. */
function unescapeName(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\(.)/g, (_m, u: string | undefined, x: string | undefined, c: string | undefined) =>
    u !== undefined ? fromCharCode(parseInt(u, 16)) : x !== undefined ? fromCharCode(parseInt(x, 16)) : c === 'n' || c === 'r' || c === 't' ? ' ' : c!);
}

/** Start of a quoted name whose closing quote `q` is at e (the opening quote, possibly escaped,
 *  within LOOK characters before), or -1. */
function openingQuote(s: string, e: number, q: number): number {
  const min = mathMax(0, e - LOOK);
  for (let i = e - 1; i >= min; i--) {
    const c = s.charCodeAt(i);
    if (c === q) {
      // `\"` inside the name only when a backslash precedes and the name goes on; escaped JSON
      // (`\"name\"`) has backslashes before both quotes, so an escaped quote also opens.
      return i;
    }
    if (c === 10 || c === 13 || c === 123 || c === 44 || c === 125) return -1;
  }
  return -1;
}

/** End of a YAML block scalar (`key: |` / `key: >-`) whose indicator line ends at i: the block is
 *  every following line indented more than `indent` (blank lines included). */
function endOfBlock(s: string, i: number, indent: number): number {
  const n = s.length;
  let end = i;
  let k = i;
  while (k < n) {
    // k is at a line break: step over it.
    if (s.charCodeAt(k) === 13) k++;
    if (s.charCodeAt(k) === 10) k++;
    else if (s.charCodeAt(k) === 92 && s.charCodeAt(k + 1) === 110) k += 2;
    else break;
    let j = k;
    while (j < n && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
    const c = s.charCodeAt(j);
    const blank = j >= n || c === 10 || c === 13 || (c === 92 && s.charCodeAt(j + 1) === 110);
    if (!blank && j - k <= indent) break;
    k = endOfLine(s, j);
    if (!blank) end = k;
  }
  return end;
}

/** Indentation of the line holding position b (spaces and tabs after the previous line break),
 *  or -1 when something other than indentation, `- ` or a quote precedes b on that line. */
function lineIndent(s: string, b: number): number {
  let i = b;
  const min = mathMax(0, b - LOOK);
  while (i > min) {
    const c = s.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    if (c === 110 && i >= 2 && s.charCodeAt(i - 2) === 92) break; // literal `\n`
    if (c !== 32 && c !== 9 && c !== 45 && c !== 34 && c !== 39) return -1;
    i--;
  }
  if (i === min && min > 0) return -1;
  let k = i;
  while (k < b && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  return k - i;
}

export function createTextScanner(opts: TextOptions): TextScanner {
  const { classify, mask, maxStringLength, constantMask } = opts;
  const quietPairs = opts.quietPairs !== false;

  // Global + indices copies so exec() walks every match and reports group 1's position.
  const extra = opts.extraPatterns.map((re) => new RegExp(re.source, re.flags.replace(/[gyd]/g, '') + 'gd'));

  const maskSecret = (v: string): string => {
    if (v.length === 0) return v;
    const k = schemeAt(v, 0, v.length);
    return k > 0 ? v.slice(0, k) + mask(v.slice(k)) : mask(v);
  };

  // Per-scan facts, computed at most once per string (a per-pair scan would be quadratic).
  let cur = '';
  let hasWs = -1;
  let isJwk = -1;
  let isClaims = -1;
  let nextGt = -1;
  let stopFrom = 0;
  let stopAt = -1;
  const reset = (s: string): void => {
    cur = s;
    stopFrom = 0;
    stopAt = -1;
    hasWs = isJwk = isClaims = hasNl = -1;
    nextGt = -1;
    cmdPos = -1;
    cmdText = '';
    quietText = '';
  };
  /** The command opening the line at i (lineCommand); flags of one line share it, so the answer
   *  moves forward with the scan (linear per string). */
  let cmdPos = -1;
  let cmdName = '';
  let cmdText = '';
  const commandOf = (s: string, i: number): string => {
    if (cmdPos >= 0 && i >= cmdPos && s === cmdText) {
      let k = cmdPos;
      while (k < i && s.charCodeAt(k) !== 10 && !(s.charCodeAt(k) === 92 && s.charCodeAt(k + 1) === 110)) k++;
      if (k === i) {
        cmdPos = i;
        return cmdName;
      }
    }
    cmdPos = i;
    cmdText = s;
    cmdName = lineCommand(s, i);
    return cmdName;
  };
  let hasNl = -1;
  /** The last unquoted name seen and its verdict; the last quoted name, raw and unescaped. */
  let lastName = '';
  let lastKind = 0;
  let lastQuoted = '';
  /** The last name checked against LABEL_NAMES and the answer (dense text repeats one name). */
  let labelName = '';
  let labelVerdict = false;
  /** The last value pair() judged by secretValue() under a name of verdict valueKind, and the
   *  answer (a pure function of the two). */
  let valueText = '';
  let valueKind = -1;
  let valueVerdict = false;
  /** The last flag flag() judged, and the answer. */
  let flagName = '';
  let flagVerdict = false;
  /** The last element name element() classified, and its verdict. */
  let elementName = '';
  let elementKind = 0;
  /** The last two names that pair() dismissed by their verdict alone (see nextLivePair): text
   *  may alternate two harmless names (`a=1&b=2&…`). */
  let boring = '';
  let boring2 = '';
  const dismiss = (name: string): void => {
    if (name !== boring) {
      boring2 = boring;
      boring = name;
    }
  };
  let lastQuotedName = '';
  /**
   * The text around the last pair that pair() judged harmless by its value (`key: key: …`: a
   * label name whose value has no key material's shape), from the characters before its name to
   * those after its value that pair() looked at, and where its separator stands in it. pair() reads
   * nothing outside that window on that path (rememberQuiet() checks the path) besides per-string
   * facts, so a separator standing in the same text gets the same answer: nextLivePair() skips it
   * as it skips a dismissed name. Cleared per string.
   */
  let quietText = '';
  let quietAt = 0;
  /** A pair at separator p, name s[b, e), unquoted value s[v, ve) read by endOfValue() and judged
   *  harmless: remembered when nothing pair() read lies outside the window. */
  const rememberQuiet = (s: string, b: number, e: number, p: number, v: number, ve: number, kind: number, label: boolean, colon: boolean): void => {
    // Before the name: the character that ends startOfName()'s walk, or the escape it stopped
    // at (`%26key`, `\nkey`: 5 wide at most), and for code / state the URL context's
    // look-behind (`&`, `%26`, `%2526`). After the value: its terminator and the next character
    // (schemeAt), or an escape's 4 more (endOfValue(), the URL context).
    const d = s.charCodeAt(b - 1);
    // startOfName() reads further back behind `%` / `\`.
    if (b < 1 || d === 37 || d === 92) return;
    const before = (kind & K_AMBIGUOUS) !== 0 || (d < 128 && NAME[d] === 1) ? QUIET_MARGIN : 1;
    let after = 2;
    if ((kind & K_AMBIGUOUS) !== 0 || s.charCodeAt(ve) === 37) after = QUIET_MARGIN;
    else for (let k = v; k < ve; k++) if (s.charCodeAt(k) === 37) after = QUIET_MARGIN;
    if (b < before || ve + after > s.length || e - b >= 64 || ve - v > 64) return;
    // Header lines, secret values (their own end rules), YAML label lines: they read to the line's end.
    if ((kind & (K_LINE | K_SECRET)) !== 0 || (label && colon && multiLine())) return;
    // schemeAt() at v walks spaces after the value when it opens like a scheme.
    const c0 = s.charCodeAt(v) | 32;
    if (c0 >= 97 && c0 <= 122 && SCHEME_INITIAL[c0] === 1 && isSpace(s.charCodeAt(ve + 1))) return;
    quietText = s.slice(b - before, ve + after);
    quietAt = p - (b - before);
  };
  /** A multi-line document (YAML, config dumps): raw or escaped line breaks. */
  const multiLine = (): boolean => {
    if (hasNl < 0) hasNl = cur.indexOf('\n') >= 0 || cur.indexOf('\\n') >= 0 ? 1 : 0;
    return hasNl === 1;
  };
  const noWhitespace = (): boolean => {
    if (hasWs < 0) hasWs = /\s/.test(cur) ? 1 : 0;
    return hasWs === 0;
  };
  const jwkText = (): boolean => {
    if (isJwk < 0) isJwk = cur.indexOf('kty') >= 0 ? 1 : 0;
    return isJwk === 1;
  };
  const claimsText = (): boolean => {
    if (isClaims < 0) isClaims = /claims/i.test(cur) ? 1 : 0;
    return isClaims === 1;
  };
  /** Next `>` at or after i (cached: positions only move forward within one scan). */
  const gtFrom = (s: string, i: number): number => {
    if (nextGt !== -2 && nextGt < i) {
      nextGt = s.indexOf('>', i);
      if (nextGt < 0) nextGt = -2;
    }
    return nextGt === -2 ? -1 : nextGt;
  };

  /**
   * The first position at or after x holding one of labelled()'s stops (`>` `}` `<`, and `v` /
   * `c` that may open `value` / `content`), or the end. Text dense with labels asks from nearly
   * the same place again and again: a query inside the last answer's window [stopFrom, stopAt]
   * reuses it, so forward queries share one pass over the text; a query behind that window
   * scans only to `lim`.
   */
  const labelStop = (s: string, x: number, lim: number): number => {
    if (x >= stopFrom && x <= stopAt) return stopAt;
    const forward = x > stopAt;
    const end = forward ? s.length : lim;
    let i = x;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 128 && LABEL_STOP[c] === 1) break;
    }
    if (forward) {
      stopFrom = x;
      stopAt = i;
    }
    return i;
  };

  /** End of a PEM/PGP block opening at i, or -1 when none opens there. */
  const pemEnd = (s: string, i: number): number => {
    if (s.charCodeAt(i) !== 45 || s.charCodeAt(i + 5) !== 66) return -1; // `-----B`
    PEM.lastIndex = i;
    return PEM.test(s) ? PEM.lastIndex : -1;
  };

  /**
   * After a quoted `name="<secret name>"` ending at qe: the value that name labels, in a form
   * field (`<input name="code" value="…">`, `<meta name="csrf-token" content="…">`), a
   * `{name, value}` pair in JSON, or a multipart part (`Content-Disposition: form-data;
   * name="password"` then a blank line then the body up to the boundary). Pushes its range.
   */
  const labelled = (s: string, qe: number, r: number[]): number => {
    const n = s.length;
    const lim = mathMin(n, qe + LOOK);
    // Multipart: the rest of the header line (and up to three more part headers), then a blank line.
    let k = qe;
    for (let lines = 0; lines < 4 && k < lim; lines++) {
      k = endOfLine(s, k, lim);
      if (k >= lim) break;
      let breaks = 0;
      let j = k;
      while (j < n && breaks < 4) {
        const c = s.charCodeAt(j);
        if (c === 13 || c === 10) j++;
        else if (c === 92 && (s.charCodeAt(j + 1) === 110 || s.charCodeAt(j + 1) === 114)) j += 2;
        else break;
        if (c === 10 || s.charCodeAt(j - 1) === 110) breaks++;
      }
      if (breaks >= 2) {
        // The boundary opens a line (`\n--b`); a `--` inside the value (base64url) is not one.
        let e = n;
        for (let x = j; x < n - 2; x++) {
          const c = s.charCodeAt(x);
          if (c === 10 && s.charCodeAt(x + 1) === 45 && s.charCodeAt(x + 2) === 45) {
            e = x + 1;
            break;
          }
          if (c === 92 && s.charCodeAt(x + 1) === 110 && s.charCodeAt(x + 2) === 45 && s.charCodeAt(x + 3) === 45) {
            e = x + 2;
            break;
          }
        }
        // The part ends at the line break before the boundary.
        let z = e;
        while (z > j && (s.charCodeAt(z - 1) === 10 || s.charCodeAt(z - 1) === 13)) z--;
        while (z >= j + 2 && s.charCodeAt(z - 2) === 92 && (s.charCodeAt(z - 1) === 110 || s.charCodeAt(z - 1) === 114)) z -= 2;
        if (z > j) r.push(j, z);
        return e;
      }
      if (breaks === 0 || !/^content-/i.test(s.slice(j, j + 8))) break;
      k = j;
    }
    // A value / content attribute or member before the element or object closes.
    for (let i = labelStop(s, qe, lim); i < lim; i = labelStop(s, i + 1, lim)) {
      const c = s.charCodeAt(i);
      if (c === 62 || c === 125 || c === 60) break; // `>` `}` `<`
      // `value` / `Value` / `ParameterValue`, `content`.
      const lc = c | 32;
      if ((lc === 118 || lc === 99) && (lc === 118 ? /^value/i.test(s.slice(i, i + 5)) : s.startsWith('content', i))) {
        let j = i + (lc === 118 ? 5 : 7);
        while (j < lim && (s.charCodeAt(j) === 34 || s.charCodeAt(j) === 39 || s.charCodeAt(j) === 92 || s.charCodeAt(j) === 32)) j++;
        if (s.charCodeAt(j) !== 61 && s.charCodeAt(j) !== 58) continue;
        j++;
        while (j < lim && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 92)) j++;
        const q = s.charCodeAt(j);
        if (q !== 34 && q !== 39) continue;
        const vs = j + 1;
        let ve = vs;
        while (ve < n && s.charCodeAt(ve) !== q && s.charCodeAt(ve) !== 92) ve++;
        if (ve > vs) r.push(vs, ve);
        return ve;
      }
    }
    return qe;
  };

  /** After a YAML label line ending at i: the `value:` on the next line (quoted or to the end of
   *  its line). Pushes its range; returns where scanning resumes. */
  const yamlValue = (s: string, i: number, r: number[]): number => {
    const n = s.length;
    let j = i;
    const lim = Math.min(n, i + LOOK);
    while (j < lim && (isSpace(s.charCodeAt(j)) || (s.charCodeAt(j) === 92 && (s.charCodeAt(j + 1) === 110 || s.charCodeAt(j + 1) === 114)))) j += s.charCodeAt(j) === 92 ? 2 : 1;
    if (!/^value[ \t]*:[ \t]*/i.test(s.slice(j, j + 16))) return i;
    j = s.indexOf(':', j) + 1;
    while (j < n && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
    const q = s.charCodeAt(j) === 92 ? s.charCodeAt(j + 1) : s.charCodeAt(j);
    let vs = j;
    let ve: number;
    if (q === 34 || q === 39) {
      vs = j + (s.charCodeAt(j) === 92 ? 2 : 1);
      ve = vs;
      while (ve < n && s.charCodeAt(ve) !== q && s.charCodeAt(ve) !== 92) ve++;
    } else ve = endOfLine(s, vs);
    while (ve > vs && isSpace(s.charCodeAt(ve - 1))) ve--;
    if (ve > vs) r.push(vs, ve);
    return ve;
  };

  /** The verdict for a bare `value` whose name opens at b inside an object printout: K_SECRET when
   *  the printed type's name is a secret word (`Token{`, `Secret(`, `#<OAuth::AccessToken `). */
  const printoutKind = (s: string, b: number): number => {
    let j = b - 1;
    const c = s.charCodeAt(j);
    const spaced = c === 32;
    if (c !== 123 && c !== 40 && !spaced) return 0;
    const end = j;
    const min = j > 64 ? j - 64 : 0;
    while (j > min && s.charCodeAt(j - 1) < 128 && (IDENT[s.charCodeAt(j - 1)] === 1 || s.charCodeAt(j - 1) === 58)) j--;
    if (j === end || (spaced && s.charCodeAt(j - 1) !== 60)) return 0;
    const type = s.slice(j, end);
    const k = classify(type.slice(Math.max(type.lastIndexOf(':'), type.lastIndexOf('.')) + 1));
    return (k & K_SECRET) !== 0 && (k & K_ALLOW) === 0 ? K_SECRET : 0;
  };

  /** The verdict for `default` at b inside a Terraform `variable "<name>" {` block opened at most
   *  LOOK characters back: K_SECRET when the variable's name is a secret name. */
  const hclVariableKind = (s: string, b: number): number => {
    // `default` opens its line (indented).
    let w = b;
    while (w > 0 && (s.charCodeAt(w - 1) === 32 || s.charCodeAt(w - 1) === 9) && b - w < 16) w--;
    if (s.charCodeAt(w - 1) !== 10) return 0;
    // Bounded look-back (LOOK characters, 8 lines): repeated `default=` pairs stay linear.
    const min = b > LOOK ? b - LOOK : 0;
    let j = b - 1;
    let lines = 0;
    while (j > min && s.charCodeAt(j) !== 123 && s.charCodeAt(j) !== 125 && lines < 8) if (s.charCodeAt(j--) === 10) lines++;
    if (s.charCodeAt(j) !== 123) return 0;
    const m = /variable[ \t]+\\?"([A-Za-z0-9_-]{1,64})\\?"[ \t]*$/.exec(s.slice(j > 96 ? j - 96 : 0, j));
    if (m === null) return 0;
    const k = classify(m[1]!);
    return (k & K_SECRET) !== 0 && (k & K_ALLOW) === 0 ? K_SECRET : 0;
  };

  /** `(c1, c2)=(v1, v2)` with the column list closing at e and `=` at p: pushes the values of the
   *  secret columns (PostgreSQL unique-violation details). Returns where scanning resumes. */
  const keyTuple = (s: string, e: number, p: number, r: number[]): number => {
    const min = e > 64 ? e - 64 : 0;
    let open = e - 2;
    while (open >= min && s.charCodeAt(open) !== 40) open--;
    if (open < min) return p + 1;
    const cols = s.slice(open + 1, e - 1).split(',');
    const n = s.length;
    const lim = Math.min(n, p + 2 + LOOK * 4);
    let close = p + 2;
    while (close < lim && s.charCodeAt(close) !== 41) close++;
    if (close >= lim) return p + 1;
    // Values are unquoted; with one column the whole tuple is its value.
    const parts = cols.length === 1 ? [s.slice(p + 2, close)] : s.slice(p + 2, close).split(', ');
    if (parts.length !== cols.length) {
      for (const c of cols) if ((classify(c.trim()) & (K_SECRET | K_ALLOW)) === K_SECRET) r.push(p + 2, close);
      return close;
    }
    let at = p + 2;
    for (let k = 0; k < cols.length; k++) {
      const len = parts[k]!.length;
      if ((classify(cols[k]!.trim()) & (K_SECRET | K_ALLOW)) === K_SECRET && len > 0) r.push(at, at + len);
      at += len + 2;
    }
    return close;
  };

  /** A label naming a secret: a secret name, or a qualified key name (`deploy_key`; bare `key`
   *  labels UI keys). */
  const secretLabel = (label: string): boolean => {
    // A name, not content (`key: "-----BEGIN …"` is a value for the detectors).
    if (label.length > 64 || !LABEL_TEXT.test(label)) return false;
    const lk = classify(label);
    return (lk & K_ALLOW) === 0 && ((lk & (K_SECRET | K_AMBIGUOUS)) !== 0 || ((lk & K_KEYLIKE) !== 0 && label.length > 3));
  };

  /** Whether a value under a name of verdict `kind` is secret (text form). */
  const secretValue = (kind: number, value: string, urlCtx: () => boolean): boolean => {
    if ((kind & K_AMBIGUOUS) !== 0) return urlCtx() || !isSafeAmbiguousString(value);
    if ((kind & K_KEYLIKE) !== 0) return looksLikeKeyMaterial(value);
    return true;
  };

  /**
   * One key-value candidate at separator p (`=`, `:`, `=>`, `%3D`, `%253D`): `name=value`,
   * `name: value`, `"name":"value"` (any level of escaping, unicode-escaped names), `user[password]=`,
   * Ruby/PHP dumps, header lines (folded too), YAML block scalars, and `scheme://user:pass@host`.
   * Pushes the value's range; returns where scanning resumes.
   */
  const pair = (s: string, p: number, sepLen: number, colon: boolean, r: number[]): number => {
    const n = s.length;
    // `scheme://user:pass@host`: both parts go.
    if (colon && s.charCodeAt(p + 1) === 47 && s.charCodeAt(p + 2) === 47) {
      let at = -1;
      const lim = mathMin(n, p + 3 + 4 * LOOK);
      let j = p + 3;
      for (; j < lim; j++) {
        const c = s.charCodeAt(j);
        if (c === 64) at = j;
        else if (c === 47 || c === 63 || (c < 128 && TERM[c] === 1 && c !== 38 && c !== 59 && c !== 44)) break;
      }
      if (at <= p + 3) return j > p + 3 && at < 0 ? p + 3 : p + 3;
      const sep = s.indexOf(':', p + 3);
      if (sep >= 0 && sep < at) {
        if (sep > p + 3) r.push(p + 3, sep);
        if (at > sep + 1) r.push(sep + 1, at);
      } else if (!plainUser(s, p + 3, at)) r.push(p + 3, at);
      return at + 1;
    }
    // `OAuth2::AccessToken`, `std::string`: a path separator, not a pair.
    if (colon && s.charCodeAt(p + 1) === 58) return p + 2;
    // Ruby / Elixir / PHP `=>`.
    if (!colon && sepLen === 1 && s.charCodeAt(p + 1) === 62) sepLen = 2;

    // The name before the separator, behind optional spaces and quotes (JSON, escaped JSON).
    let e = p;
    while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
    // PostgreSQL's `DETAIL: Key (api_key)=(…) already exists.`: columns and values in parentheses.
    if (!colon && sepLen === 1 && s.charCodeAt(e - 1) === 41 && s.charCodeAt(p + 1) === 40) return keyTuple(s, e, p, r);
    // PHP var_dump's `["password"]=>`: the quoted name inside the brackets.
    if (sepLen === 2 && s.charCodeAt(e - 1) === 93 && (s.charCodeAt(e - 2) === 34 || s.charCodeAt(e - 2) === 39)) e--;
    const q = s.charCodeAt(e - 1);
    let b: number;
    let name: string;
    let kind = -1;
    /** The name is s[b, e) as written: plain name characters, no escapes. */
    let plain = false;
    /** The value was read by endOfValue() from v (no quote, bracket, block, PEM or scheme). */
    let simple = false;
    if (q === 34 || q === 39) {
      let ce = e - 1;
      while (ce > 0 && s.charCodeAt(ce - 1) === 92) ce--;
      const open = openingQuote(s, ce, q);
      if (open < 0) return p + 1;
      b = open + 1;
      if (ce - b === lastQuoted.length && s.startsWith(lastQuoted, b)) name = lastQuotedName;
      else {
        lastQuoted = s.slice(b, ce);
        name = lastQuotedName = unescapeName(lastQuoted);
      }
      // Escaped JSON: backslashes before the opening quote are not part of the name.
      while (name.endsWith('\\')) name = name.slice(0, -1);
      let bb = open;
      while (bb > 0 && s.charCodeAt(bb - 1) === 92) bb--;
      b = bb === open ? b : bb + 1;
      if (name.length === 0 || name.length > 128) return p + 1;
    } else {
      b = startOfName(s, e);
      // No name, or one that opens with a digit (times `12:30:45`, dates, ports): not a key.
      if (b === e) return p + 1;
      // A segment of a colon path (`arn:aws:secretsmanager:…:secret:prod/db`, URNs): not a key.
      if (colon && b > 0 && s.charCodeAt(b - 1) === 58 && !isSpace(s.charCodeAt(p + 1))) return p + 1;
      // Dense text repeats one name (`code=a,code=a,…`): no slice, no lookup for a repeat.
      const same = e - b === lastName.length && sameAt(s, b, lastName);
      name = same ? lastName : s.slice(b, e);
      // `\u0026state=`: the hex digits of a JSON unicode escape are not part of the name.
      if (b >= 2 && s.charCodeAt(b - 1) === 117 && s.charCodeAt(b - 2) === 92 && /^[0-9a-fA-F]{4}/.test(name)) {
        name = name.slice(4);
        b += 4;
      } else if (same) {
        // lastName is only ever a plain name (set below), so no escape to decode.
        kind = lastKind;
        plain = true;
      }
      const c0 = s.charCodeAt(b);
      if (c0 >= 48 && c0 <= 57) return p + 1;
      if (kind < 0) {
        if (name.indexOf('%') >= 0) name = name.replace(/%(?:25)?(?:5f|2d|2e|5b|5d)/gi, '_');
        else {
          plain = e - b === name.length;
          kind = lastKind = classify(name);
          lastName = name;
        }
      }
    }
    if (kind < 0) kind = classify(name);
    if ((kind & K_ALLOW) !== 0) {
      if (plain) dismiss(name);
      return p + 1;
    }
    // `Token{value='…'}`, `#<Token value="…">`, `Secret(value=…)`: the bare `value` of an object
    // printout whose type name is a secret word; Terraform's `variable "db_password" { … default =
    // "…" }` is judged by the variable's name (decided per place, so never dismissed).
    const contextual = name === 'value' || name === 'Value' || name === 'default';
    if (contextual && (kind & (K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE)) === 0 && b > 1) {
      if (name !== 'default') kind |= printoutKind(s, b);
      else if (!colon && b > 10) kind |= hclVariableKind(s, b);
    }
    // Most names in dense text are neither secret nor labels: out before any other work.
    let isLabel: boolean;
    if (name === labelName) isLabel = labelVerdict;
    else {
      isLabel = labelVerdict = isLabelName(name);
      labelName = name;
    }
    if (!isLabel && (kind & (K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE)) === 0) {
      if (plain && !contextual) dismiss(name);
      return p + 1;
    }

    // The value: quoted (any level of backslash escaping), bracketed, a block, to end of line, or a token.
    let v = p + sepLen;
    while (v < n && (s.charCodeAt(v) === 32 || s.charCodeAt(v) === 9 || s.charCodeAt(v) === 0xa0)) v++;
    if (v >= n) return p + 1;
    // PHP var_dump: `["password"]=>` then `string(14) "…"` on the next line.
    if (sepLen === 2) {
      let w = v;
      while (w < n && w - v < 16 && (isSpace(s.charCodeAt(w)) || (s.charCodeAt(w) === 92 && s.charCodeAt(w + 1) === 110))) w += s.charCodeAt(w) === 92 ? 2 : 1;
      const dump = /^string\(\d{1,9}\) /.exec(s.slice(w, w + 20));
      if (dump !== null) v = w + dump[0].length;
    }

    // `name="password"` (HTML forms, multipart, `{name, value}` JSON), `key="ClientSecret"`
    // (.NET appSettings, `{key, value}` pairs): the value it labels. A `key` whose quoted value
    // labels nothing secret is still judged as key material below.
    if (isLabel && (kind & (K_SECRET | K_AMBIGUOUS | K_JWK)) === 0) {
      let le = -1;
      if (!colon) {
        const qc = s.charCodeAt(v) === 92 ? s.charCodeAt(v + 1) : s.charCodeAt(v);
        if (qc === 34 || qc === 39) {
          const ls = v + (s.charCodeAt(v) === 92 ? 2 : 1);
          let ve = ls;
          const lim = mathMin(n, ls + 128);
          while (ve < lim && s.charCodeAt(ve) !== qc && s.charCodeAt(ve) !== 92) ve++;
          if (ve < lim && ve > ls) le = ve;
          if (le >= 0) {
            if (secretLabel(s.slice(ls, le))) return labelled(s, le + 1, r);
          }
        }
      } else if (multiLine() && s.charCodeAt(v) !== 34 && s.charCodeAt(v) !== 39 && s.charCodeAt(v) !== 92) {
        // YAML `- name: DB_PASSWORD` then `value: …` on the next line (Kubernetes env, ECS).
        const le2 = endOfLine(s, v, Math.min(n, v + 128));
        if (le2 - v <= 64 && secretLabel(s.slice(v, le2).trimEnd())) return yamlValue(s, le2, r);
      } else if (s.charCodeAt(v) === 34) {
        // `{"name":"sid","value":"…"}` cookie-jar entries in JSON text.
        const ve = s.indexOf('"', v + 1);
        if (ve >= 0 && ve - v <= 128) {
          le = ve;
          if (secretLabel(s.slice(v + 1, ve))) return labelled(s, ve + 1, r);
        }
      }
      if ((kind & K_KEYLIKE) === 0) return le >= 0 ? le : p + 1;
    } else if ((kind & (K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE)) === 0) return p + 1;
    if ((kind & K_JWK) !== 0 && !jwkText()) return p + 1;

    // JSON with a line break after the colon: `"password":\n  "x"` (raw or escaped).
    if (colon) {
      let w = v;
      while (w < n && w - v < LOOK) {
        const c = s.charCodeAt(w);
        if (isSpace(c)) w++;
        else if (c === 92 && (s.charCodeAt(w + 1) === 110 || s.charCodeAt(w + 1) === 114 || s.charCodeAt(w + 1) === 116)) w += 2;
        else break;
      }
      if (w > v && (s.charCodeAt(w) === 34 || (s.charCodeAt(w) === 92 && s.charCodeAt(w + 1) === 34))) v = w;
    }

    let vs = v;
    let ve = n;
    let w = v;
    while (w < n && w - v < 8 && s.charCodeAt(w) === 92) w++;
    const qc = s.charCodeAt(w);
    if (qc === 34 || qc === 39) {
      vs = w + 1;
      if (w === v) ve = endOfQuoted(s, vs, qc);
      else {
        ve = s.indexOf(s.slice(v, w + 1), vs);
        if (ve < 0) ve = n;
      }
      const pe = pemEnd(s, vs);
      if (pe > ve) ve = pe;
      vs += schemeAt(s, vs, ve);
    } else if (qc === 123 || qc === 91) {
      // An OIDC claims request: `"id_token":{"auth_time":…}` is structure; scan inside instead.
      if ((kind & K_CLAIMS_MEMBER) !== 0 && qc === 123 && claimsText()) return v + 1;
      ve = endOfBracket(s, v);
    } else if (colon && (qc === 124 || qc === 62) && /^[|>][-+0-9]{0,3}[ \t]*(?:\r?\n|\\n|$)/.test(s.slice(v, v + 8))) {
      // YAML block scalar: the indented lines below.
      const indent = lineIndent(s, b);
      vs = v;
      ve = endOfBlock(s, endOfLine(s, v), indent < 0 ? 0 : indent);
    } else {
      const pe = pemEnd(s, v);
      if (pe > 0) ve = pe;
      else {
        // `token: Bearer abc`: keep the scheme, and the credential is what follows it.
        if (colon && (kind & K_LINE) !== 0) {
          // A header value: to the end of its (folded) line, and on over the next line while a
          // line ends with a bare scheme (`Authorization: Bearer` + line break + credential).
          ve = endOfFoldedLine(s, v);
          while (ve < n && endsWithScheme(s, v, ve)) {
            let k = ve;
            if (s.charCodeAt(k) === 13) k++;
            if (s.charCodeAt(k) === 10) k++;
            else if (s.charCodeAt(k) === 92) k += 2;
            if (k === ve) break;
            ve = endOfFoldedLine(s, k);
          }
          vs = v + schemeAt(s, v, ve);
        } else vs = v + schemeAt(s, v, n);
        if (colon && (kind & K_LINE) !== 0) { /* ve set above */ }
        // `passphrase: correct horse battery staple` on its own line (YAML, config dumps).
        else if (colon && (kind & K_SECRET) !== 0 && multiLine() && lineIndent(s, b) >= 0) ve = endOfLine(s, vs);
        // PHP print_r: `[password] => hunter2 with spaces`.
        else if (sepLen === 2 && s.charCodeAt(e - 1) === 93) ve = endOfLine(s, vs);
        else if ((kind & K_SECRET) !== 0) ve = endOfSecretValue(s, vs);
        else {
          ve = endOfValue(s, vs);
          simple = vs === v;
        }
      }
    }
    while (ve > vs && (s.charCodeAt(ve - 1) === 32 || s.charCodeAt(ve - 1) === 9 || s.charCodeAt(ve - 1) === 13)) ve--;
    if (ve <= vs) return p + 1;
    // A cookie header is judged per cookie: a preference (`theme=dark`) stays readable.
    if (colon && (kind & K_LINE) !== 0 && isCookieHeader(name)) return cookies(s, vs, ve, r);
    // Already redacted (a second pass, the egress guard): keep the marker and its fingerprint.
    if (s.charCodeAt(vs) === 91 && s.startsWith('[REDACTED', vs)) return vs + 9;
    // `null`, `true` (also as the last token of a pretty-printed JSON line: `true,`).
    if (isLiteral(s, vs, ve)) return p + 1;
    if ((kind & (K_AMBIGUOUS | K_KEYLIKE)) !== 0) {
      // Inside a URL query, fragment or form body `code` / `state` are always secret; a string
      // of `=` pairs with no whitespace at all (`url.query` = `state=xyz`) counts as one.
      const urlCtx = (kind & K_AMBIGUOUS) !== 0 && ((!colon && noWhitespace()) || isQueryDelimiter(b > 0 ? s.charCodeAt(b - 1) : 0) ||
        s.charCodeAt(ve) === 38 || isQueryDelimiter(escapeBefore(s, b)) || (escapeAt(s, ve) & 255) === 0x26);
      if (!urlCtx && ve - vs <= 128) {
        // Dense text repeats one value under one name: its verdict is reused, not recomputed.
        let secret: boolean;
        if (kind === valueKind && ve - vs === valueText.length && sameAt(s, vs, valueText)) secret = valueVerdict;
        else {
          valueText = s.slice(vs, ve);
          valueKind = kind;
          secret = valueVerdict = secretValue(kind, valueText, NOT_URL);
        }
        if (!secret) {
          if (quietPairs && simple && plain && !contextual && sepLen === 1) rememberQuiet(s, b, e, p, v, ve, kind, isLabel, colon);
          return p + 1;
        }
      }
    }
    r.push(vs, ve);
    return ve;
  };

  /** The cookies of a `Cookie:` / `Set-Cookie:` value in [vs, ve): pushes each value unless its
   *  name has no secret word and the value is a plain preference; a segment that is not
   *  `name=value` goes whole (closed by default). Returns ve. */
  const cookies = (s: string, vs: number, ve: number, r: number[]): number => {
    let b = vs;
    while (b < ve) {
      let e = s.indexOf(';', b);
      if (e < 0 || e > ve) e = ve;
      let nb = b;
      while (nb < e && s.charCodeAt(nb) === 32) nb++;
      const eq = s.indexOf('=', nb);
      if (eq < 0 || eq >= e) {
        if (e > nb && !COOKIE_ATTRIBUTES.has(s.slice(nb, e).trim().toLowerCase())) r.push(nb, e);
      } else {
        const cname = s.slice(nb, eq).trim();
        const cval = s.slice(eq + 1, e).trim();
        const keep = COOKIE_ATTRIBUTES.has(cname.toLowerCase()) ||
          (cname.length <= 64 && (classify(cname) & (K_SECRET | K_AMBIGUOUS | K_KEYLIKE)) === 0 && PLAIN_COOKIE_VALUE.test(cval));
        if (!keep && e > eq + 1) r.push(eq + 1, e);
      }
      b = e + 1;
    }
    return ve;
  };

  /** Scala / Kotlin `Map(client_secret -> v, …)` and `"password" -> "v"` printouts: the value
   *  after a secret name and ` -> `. */
  let arrowName = '';
  let arrowKind = 0;
  const arrowAt = (s: string, i: number, r: number[]): number => {
    let e = i;
    const q = s.charCodeAt(e - 1);
    if (q === 34 || q === 39) e--;
    let b = e;
    while (b > 0 && e - b < 64 && s.charCodeAt(b - 1) < 128 && (NAME[s.charCodeAt(b - 1)] === 1 || s.charCodeAt(b - 1) === 45)) b--;
    if (b === e) return i + 1;
    // Dense text repeats one name: its verdict is reused without the copy.
    let kind: number;
    if (e - b === arrowName.length && sameAt(s, b, arrowName)) kind = arrowKind;
    else {
      arrowName = s.slice(b, e);
      kind = arrowKind = classify(arrowName);
    }
    if ((kind & (K_SECRET | K_ALLOW)) !== K_SECRET) return i + 1;
    const v = i + 4;
    const vq = s.charCodeAt(v);
    if (vq === 34 || vq === 39) {
      const ve = endOfQuoted(s, v + 1, vq);
      if (ve > v + 1) r.push(v + 1, ve);
      return mathMax(ve, i + 1);
    }
    const ve = endOfSecretValue(s, v);
    if (ve > v) r.push(v, ve);
    return mathMax(ve, i + 1);
  };

  /** Oracle EZConnect `user/password@//host:port/service` (JDBC thin URLs, sqlplus): the
   *  password between the user's `/` and `@//`. */
  const oracleUserPassword = (s: string, a: number, r: number[]): void => {
    let b = a;
    while (b > 0 && a - b < 256) {
      const c = s.charCodeAt(b - 1);
      if (c === 47 || isSpace(c) || c === 34 || c === 39 || c === 58 || c === 61) break;
      b--;
    }
    if (b === a || b === 0 || s.charCodeAt(b - 1) !== 47) return;
    let u = b - 1;
    while (u > 0 && b - 1 - u < 64 && s.charCodeAt(u - 1) < 128 && (NAME[s.charCodeAt(u - 1)] === 1 || s.charCodeAt(u - 1) === 36)) u--;
    if (u < b - 1) r.push(b, a);
  };

  /** `<name …>text</name>` with a secret element name (`<access_token>`, `<wsse:Password>`):
   *  pushes the text range. Returns where scanning resumes (inside the tag, so attributes are
   *  still scanned as pairs). */
  const element = (s: string, i: number, r: number[]): number => {
    let j = i + 1;
    const n = s.length;
    const lim = mathMin(n, j + 128);
    let local = j;
    while (j < lim) {
      const c = s.charCodeAt(j);
      if (c === 58) local = j + 1;
      else if (c >= 128 || IDENT[c] !== 1) break;
      j++;
    }
    if (j === local) return i + 1;
    // Dense markup repeats one element name: no copy, no lookup for a repeat.
    let kind: number;
    if (j - local === elementName.length && sameAt(s, local, elementName)) kind = elementKind;
    else {
      elementName = s.slice(local, j);
      kind = elementKind = classify(elementName);
    }
    if ((kind & (K_SECRET | K_AMBIGUOUS | K_KEYLIKE)) === 0 || (kind & K_ALLOW) !== 0) return j;
    const gt = gtFrom(s, j);
    if (gt < 0 || s.charCodeAt(gt - 1) === 47) return j;
    let vs = gt + 1;
    while (vs < n && isSpace(s.charCodeAt(vs))) vs++;
    if (s.charCodeAt(vs) === 60 && !s.startsWith('<![CDATA[', vs)) return j; // child elements: walk them
    let ve: number;
    if (s.startsWith('<![CDATA[', vs)) {
      ve = s.indexOf(']]>', vs);
      ve = ve < 0 ? n : ve + 3;
    } else {
      ve = s.indexOf('<', vs);
      if (ve < 0) ve = n;
    }
    while (ve > vs && isSpace(s.charCodeAt(ve - 1))) ve--;
    if (ve <= vs) return j;
    // `<code>npm install</code>` is markup: an ambiguous element holds a secret only as one token.
    if ((kind & (K_AMBIGUOUS | K_KEYLIKE)) !== 0 && ve - vs <= 128) {
      const value = s.slice(vs, ve);
      if (/\s/.test(value) || !secretValue(kind, value, NOT_URL)) return j;
    }
    r.push(vs, ve);
    return ve;
  };

  /** A command-line flag and its separate value (`-u user:pass`, `--oauth2-bearer t`,
   *  `--client-secret s`). */
  const flag = (s: string, i: number, r: number[]): number => {
    FLAG.lastIndex = i;
    const m = FLAG.exec(s);
    if (m === null) return i + 1;
    const f = m[1]!;
    const v = FLAG.lastIndex;
    // Password flags of particular commands (`sshpass -p`, `redis-cli -a`, `docker login -p`,
    // `mysql -pSECRET`): judged by the command that opens the line.
    if (f.charCodeAt(1) !== 45 && (f.length > 2 ? (f.charCodeAt(1) | 32) === 112 : f === '-p' || f === '-a')) {
      const cmd = commandOf(s, i);
      if (f.length > 2) {
        if (MYSQL_COMMANDS.has(cmd)) {
          const fs = v - m[0].length + m[0].indexOf(f);
          r.push(fs + 2, fs + f.length);
        }
        return v - 1;
      }
      if (!(PASSWORD_FLAG_COMMANDS.get(cmd) === f || (f === '-p' && LOGIN_COMMANDS.has(cmd) && / login\b/.test(s.slice(i - 64 > 0 ? i - 64 : 0, i))))) return v - 1;
    } else if (f.length <= 8 && f.charCodeAt(1) !== 45 && f.indexOf('b') > 0 && commandOf(s, i) === 'htpasswd') {
      // `htpasswd -b file user pw` / `-nb user pw`: the password is a positional word.
      return htpasswdPassword(s, v, f.indexOf('n') > 0 ? 2 : 3, r);
    } else {
      let secret: boolean;
      if (f === flagName) secret = flagVerdict;
      else {
        secret = flagVerdict = CREDENTIAL_FLAGS.has(f) || (f.charCodeAt(1) === 45 && (classify(f.slice(2)) & (K_SECRET | K_ALLOW)) === K_SECRET);
        flagName = f;
      }
      // Not a credential flag: resume on the blank before its value, which may be the next flag (`-sS -u a:b`).
      if (!secret) return v - 1;
    }
    const n = s.length;
    let vs = v;
    let ve: number;
    const q = s.charCodeAt(v);
    if (q === 34 || q === 39) {
      vs = v + 1;
      ve = endOfQuoted(s, vs, q);
    } else {
      ve = v;
      while (ve < n && !isSpace(s.charCodeAt(ve)) && s.charCodeAt(ve) !== 34 && s.charCodeAt(ve) !== 39) ve++;
    }
    // `-u user` / `--user user` name a user (curl prompts for the password): only `user:pass` is secret.
    if (USER_FLAGS.has(f) && s.slice(vs, ve).indexOf(':') < 0) return ve;
    if (ve > vs) r.push(vs, ve);
    return ve;
  };

  /** SQL `(c1, c2) VALUES (v1, v2), (…)` whose `VALUES` opens at b, its tuple at or just before
   *  v: pushes the values of the secret columns (`INSERT INTO users (email, password) VALUES …`).
   *  Returns where scanning resumes. */
  const sqlValues = (s: string, b: number, v: number, r: number[]): number => {
    const n = s.length;
    const t = s.charCodeAt(v) === 40 ? v : s.charCodeAt(v - 1) === 40 ? v - 1 : -1;
    if (t < 0) return v;
    let c = b;
    while (c > 0 && isSpace(s.charCodeAt(c - 1))) c--;
    if (s.charCodeAt(c - 1) !== 41) return v;
    let open = c - 2;
    const min = c > LOOK ? c - LOOK : 0;
    while (open >= min && s.charCodeAt(open) !== 40) open--;
    if (open < min) return v;
    const secret: boolean[] = [];
    let any = false;
    for (const col of s.slice(open + 1, c - 1).split(',')) {
      const k = classify(col.replace(/[\s`"'[\]]/g, ''));
      const x = (k & K_SECRET) !== 0 && (k & K_ALLOW) === 0;
      secret.push(x);
      any ||= x;
    }
    if (!any) return v;
    let i = t + 1;
    let col = 0;
    while (i < n) {
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      const q = s.charCodeAt(i);
      if (q === 34 || q === 39) {
        const e = endOfQuoted(s, i + 1, q);
        if (secret[col] === true && e > i + 1) r.push(i + 1, e);
        i = e + 1;
      } else {
        // An unquoted value (number, NULL, now()): to the comma or parenthesis that ends it.
        let depth = 0;
        const vs = i;
        for (; i < n; i++) {
          const d = s.charCodeAt(i);
          if (d === 40) depth++;
          else if (d === 41 && depth-- === 0) break;
          else if (d === 44 && depth === 0) break;
        }
        if (secret[col] === true && i > vs) r.push(vs, i);
      }
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) === 44) {
        col++;
        i++;
        continue;
      }
      if (s.charCodeAt(i) !== 41) return i;
      // The tuple ends; another row may follow (`), (`).
      let j = i + 1;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 44) return i + 1;
      j++;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 40) return i + 1;
      i = j + 1;
      col = 0;
    }
    return n;
  };

  /** A KEYWORD_SOURCE match at i: pushes the value when it is a credential by its form — a
   *  quoted string (SQL), the token after `login <user>` (.netrc on one line), or the only token
   *  after the keyword opening its line (.netrc, redis.conf). A lower-case word alone is prose
   *  (`password reset`). Returns where scanning resumes, or -1 when no keyword opens at i. */
  const keyword = (s: string, i: number, r: number[]): number => {
    // The keyword opens at i (`^`), i + 1 (after a blank) or i + 2 (after `\n`): without one of
    // their initials there, no exec (flag-dense text reaches here once per flag).
    if (KEYWORD_INITIAL[s.charCodeAt(i) & 127] !== 1 && KEYWORD_INITIAL[s.charCodeAt(i + 1) & 127] !== 1 && KEYWORD_INITIAL[s.charCodeAt(i + 2) & 127] !== 1) return -1;
    KEYWORD.lastIndex = i;
    const m = KEYWORD.exec(s);
    if (m === null) return -1;
    const b = isSpace(s.charCodeAt(i)) ? i + 1 : s.charCodeAt(i) === 92 ? i + 2 : i;
    const v = KEYWORD.lastIndex;
    const n = s.length;
    if (/values[ \t(]*$/i.test(m[0])) return sqlValues(s, b, v, r);
    const q = s.charCodeAt(v);
    // `password = 'x'` (SQL, C# and Python printouts, INI): a spaced pair, which pair() reads.
    if (q === 61 || q === 58) return -1;
    if (q === 34 || q === 39) {
      const ve = endOfQuoted(s, v + 1, q);
      if (ve > v + 1) r.push(v + 1, ve);
      return ve;
    }
    let ve = v;
    while (ve < n && !isSpace(s.charCodeAt(ve)) && !(s.charCodeAt(ve) === 92 && s.charCodeAt(ve + 1) === 110)) ve++;
    const value = s.slice(v, ve);
    // Prose: `logged in with password Winter2019!x` (a word with letters and digits).
    if (/^[a-z]{1,14}[.,:;!?]?$/.test(value) || /^identified/i.test(m[0].trim())) return ve;
    if (/^pass/i.test(m[0].trim()) && value.length >= 8 && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && value.indexOf('/') < 0) {
      r.push(v, ve);
      return ve;
    }
    // Alone on its line: only blanks up to the line end (read at most LOOK characters on, and
    // only while blank: a run of keywords on one long line stays linear).
    let k = ve;
    const lim = mathMin(n, ve + LOOK);
    while (k < lim && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
    const kc = s.charCodeAt(k);
    const atEnd = k >= lim || kc === 10 || kc === 13 || (kc === 92 && (s.charCodeAt(k + 1) === 110 || s.charCodeAt(k + 1) === 114));
    const alone = atEnd && lineIndent(s, b) >= 0;
    if (alone || /\blogin[ \t]+\S+[ \t]+$/i.test(s.slice(mathMax(0, b - 128), b))) r.push(v, ve);
    return ve;
  };

  /** A header name / value list in text (Node's `rawHeaders`, undici's flat arrays, inspect's
   *  `'authorization', 'Bearer …'`): the quoted item after a quoted secret header name. i is the
   *  name's closing quote, v the value's opening quote. A value that reads as a name
   *  (`["password", "refresh_token"]`, grant types) is kept. */
  const list = (s: string, i: number, v: number, r: number[]): number => {
    const q = s.charCodeAt(i);
    let e = i;
    while (e > 0 && s.charCodeAt(e - 1) === 92) e--;
    let a = e - 1;
    const min = mathMax(0, e - 42);
    for (; a >= min; a--) {
      const c = s.charCodeAt(a);
      if (c === q) break;
      if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 45)) return i + 1;
    }
    if (a < min || a === e - 1) return i + 1;
    if ((classify(s.slice(a + 1, e)) & (K_SECRET | K_ALLOW | K_AMBIGUOUS)) !== K_SECRET) return i + 1;
    const vq = s.charCodeAt(v);
    const vs0 = v + 1;
    const ve = endOfQuoted(s, vs0, vq);
    let end = ve;
    while (end > vs0 && s.charCodeAt(end - 1) === 92) end--;
    if (/^[a-z_:.\- ]*$/.test(s.slice(vs0, mathMin(end, vs0 + 64))) && end - vs0 <= 64) return v;
    const vs = vs0 + schemeAt(s, vs0, end);
    if (end > vs) r.push(vs, end);
    return ve;
  };

  /** One OTHER_CANDIDATES match at i; returns where scanning resumes. */
  const candidate = (s: string, i: number, len: number, r: number[]): number => {
    const c = s.charCodeAt(i);
    if (c === 37) return pair(s, i, len, false, r); // `%3D` or `%253D`
    if (c === 60) return element(s, i, r);
    if (c === 45 && s.startsWith('-----BEGIN', i)) {
      const pe = pemEnd(s, i);
      if (pe < 0) return i + len;
      r.push(i, pe);
      return pe;
    }
    if (isSpace(c) || i === 0 || c === 92) {
      const k = keyword(s, i, r);
      if (k >= 0) return k;
    }
    // `", "`: a list item boundary (a flag candidate has `-` after its quote).
    if ((c === 34 || c === 39) && s.charCodeAt(i + 1) !== 45 && (s.charCodeAt(i + len - 1) === 34 || s.charCodeAt(i + len - 1) === 39)) return list(s, i, i + len - 1, r);
    if (isSpace(c) || c === 34 || c === 39 || (c === 45 && i === 0)) return flag(s, i, r);
    if (c === 101) {
      if (s.charCodeAt(i + 1) !== 121 || s.charCodeAt(i + 2) !== 74 || (i > 0 && isB64Url(s.charCodeAt(i - 1)))) return i + 1;
      JWT.lastIndex = i;
      const m = JWT.exec(s);
      if (m === null) return i + 1;
      r.push(i, i + m[0].length);
      return i + m[0].length;
    }
    if (c === 45) {
      const pe = pemEnd(s, i);
      if (pe < 0) return i + len;
      r.push(i, pe);
      return pe;
    }
    // An auth scheme word followed by a separator.
    if (i > 0 && isB64Url(s.charCodeAt(i - 1))) return i + 1;
    // On a miss resume at the next character: `dpop:` may also be a `name:` pair.
    SCHEME.lastIndex = i;
    const m = SCHEME.exec(s);
    if (m === null) return i + 1;
    let cred = m[1]!;
    const end = i + m[0].length;
    // `DPoP expires_in=3600`: a parameter (`name=value`), not a token68 (whose `=` only pads).
    if (cred.endsWith('=') && end < s.length && isB64Url(s.charCodeAt(end))) return i + 1;
    // Form-encoded prose (`DPoP+proof+JWT+is+missing`): three or more short letter-only words
    // joined by `+` / `%20`. A base64 credential split by its `+` never has that shape.
    const sep = s.charCodeAt(end - cred.length - 1);
    if ((sep === 43 || (sep === 48 && s.charCodeAt(end - cred.length - 3) === 37)) && FORM_PROSE.test(cred)) return end;
    while (cred.endsWith('.')) cred = cred.slice(0, -1);
    if (!looksLikeCredential(cred)) return i + 1;
    const start = i + m[0].length - m[1]!.length;
    r.push(start, start + cred.length);
    return start + cred.length;
  };

  /**
   * The next pair separator whose name is not `boring` (the last name pair() dismissed by its
   * verdict alone), and that does not follow an escape of a non-name byte. pair() would find the same name at the same place (plain name characters
   * opening after a character that is neither one of them nor `%` / `\\`, not `scheme://`)
   * and return p + 1 without pushing anything; skipping it here saves the call on text dense with
   * one harmless name (`a=a=a=…`). Other candidates never open on `=` / `:`, so the order of
   * the remaining candidates is unchanged.
   */
  /** Whether the plain name `w` ends at p, as startOfName() would find it. */
  const dismissedAt = (s: string, p: number, w: string): boolean => {
    const L = w.length;
    if (L === 0 || p < L) return false;
    const b = p - L;
    if (b > 0) {
      const d = s.charCodeAt(b - 1);
      if ((d < 128 && NAME[d] === 1) || d === 37 || d === 92) return false;
    }
    return sameAt(s, b, w);
  };
  const nextLivePair = (s: string, from: number): number => {
    for (;;) {
      const p = nextPair(s, from);
      if (p < 0) return p;
      if (s.charCodeAt(p) === 58 && s.charCodeAt(p + 1) === 47 && s.charCodeAt(p + 2) === 47) return p;
      // Right after an escape of a byte that cannot be in a name (`%3D%3D`, `=%3D=`),
      // startOfName() stops at once: no name, pair() returns p + 1.
      if ((p >= 3 && s.charCodeAt(p - 3) === 37) || (p >= 5 && s.charCodeAt(p - 5) === 37 && byteAt(s, p - 4) === 0x25)) {
        const x = byteAt(s, p - 2);
        if (x >= 0 && !isNameByte(x)) {
          from = p + 1;
          continue;
        }
      }
      if (!dismissedAt(s, p, boring) && !dismissedAt(s, p, boring2) && !(quietText.length > 0 && p >= quietAt && sameAt(s, p - quietAt, quietText))) return p;
      from = p + 1;
    }
  };

  /** Full scan from `start` (nothing secret-shaped before it): candidates in position order,
   *  each detector resuming after what it redacted. Returns the secret ranges, unmerged. */
  const collect = (s: string, start: number, depth: number): number[] => {
    reset(s);
    const r: number[] = [];
    let ip = nextLivePair(s, start);
    let io = -1;
    let ioLen = 0;
    const seekOther = (from: number): void => {
      OTHER_CANDIDATES.lastIndex = from;
      const m = OTHER_CANDIDATES.exec(s);
      io = m === null ? -1 : m.index;
      ioLen = m === null ? 0 : m[0].length;
    };
    seekOther(start);
    for (;;) {
      let p = ip;
      let other = false;
      if (io >= 0 && (p < 0 || io < p)) {
        p = io;
        other = true;
      }
      if (p < 0) break;
      const c = s.charCodeAt(p);
      const next = other ? candidate(s, p, ioLen, r) : pair(s, p, c === 37 ? encodedEqLength(s, p) : 1, c === 58, r);
      const from = next > p ? next : p + 1;
      if (ip >= 0 && ip < from) ip = nextLivePair(s, from);
      if (io >= 0 && io < from) seekOther(from);
    }
    // Provider credentials (gitleaks prefixes), wherever they stand.
    for (let m = providerAt(s, 0); m !== null; m = providerAt(s, m[1])) r.push(m[0], encodedTail(s, m[1]));
    // What the marker gate does not see: infix providers, prose, `->` pairs, Oracle `u/pw@//`.
    UNGATED_CUES.lastIndex = 0;
    for (let m = UNGATED_CUES.exec(s); m !== null; m = UNGATED_CUES.exec(s)) {
      const c = m[0];
      const i = m.index;
      let next = i + 1;
      if (c === ' is ' || c === ' was ') next = proseAt(s, i, c.length, r);
      else if (c === 'oken ') tokenProseAt(s, i, r);
      else if (c === ' -> ') next = arrowAt(s, i, r);
      else if (c === '@//') oracleUserPassword(s, i, r);
      else if (s.length >= MIN_INFIX) next = mathMax(next, infixAt(INFIX_BY_ANCHOR.get(c)!, s, i, r));
      UNGATED_CUES.lastIndex = next;
    }
    for (const re of extra) {
      re.lastIndex = 0;
      let x: RegExpExecArray | null;
      while ((x = re.exec(s)) !== null) {
        if (x[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const g = x.indices?.[1];
        if (g) {
          if (g[1] > g[0]) r.push(g[0], g[1]);
        } else r.push(x.index, x.index + x[0].length);
      }
    }
    // A document percent-encoded inside a form field or query parameter (JSON, XML, header
    // lines): every format above, one decoding layer down (two for double encoding).
    if (depth < 2 && ENCODED_STRUCTURE.test(s)) decodedLayer(s, r, depth);
    return r;
  };

  /** Scans s with its `%XX` escapes (ASCII bytes) decoded and pushes what was found there as
   *  ranges of s: each decoded character keeps the index of the text it came from. The decoded
   *  text is built as code units in a typed array and turned into a string by one native call (a
   *  part per escape and a join cost more than the scan of the decoded text on `%3A`-dense text). */
  const decodedLayer = (s: string, r: number[], depth: number): void => {
    const n = s.length;
    const from = new Int32ArrayCtor(n + 1);
    const units = new Uint16ArrayCtor(n);
    let j = 0;
    let wide = 0;
    let decoded = false;
    for (let i = 0; i < n; ) {
      const c = s.charCodeAt(i);
      if (c === 37) {
        const b = byteAt(s, i + 1);
        if (b >= 0 && b < 128) {
          units[j] = b;
          from[j++] = i;
          i += 3;
          decoded = true;
          continue;
        }
      }
      wide |= c;
      units[j] = c;
      from[j++] = i++;
    }
    if (!decoded) return;
    from[j] = n;
    const inner = collect(unitsToString(units, j, wide > 255), 0, depth + 1);
    for (let k = 0; k < inner.length; k += 2) r.push(from[inner[k]!]!, from[inner[k + 1]!]!);
  };

  const scanFull = (s: string, start: number): string => {
    const r = collect(s, start, 0);
    if (r.length === 0) return s;
    const merged = sortAndMerge(r);
    let out = '';
    let last = 0;
    for (let i = 0; i < merged.length; i += 2) {
      const a = merged[i]!;
      const z = merged[i + 1]!;
      // Appending (a cons string per range) measured half the cost of a parts list and join.
      out += s.slice(last, a) + (constantMask ?? mask(s.slice(a, z)));
      last = z;
    }
    return out + s.slice(last);
  };

  const hasMarkers = (s: string): boolean => extra.length > 0 || MARKERS.test(s) || providerAt(s, 0) !== null || hasUngatedCue(s);

  const scan = (s: string): string => {
    const len = s.length;
    if (len < MIN_SECRET_TEXT && extra.length === 0) return s;
    if (len > maxStringLength) {
      const head = s.slice(0, maxStringLength + TRUNCATE_MARGIN);
      const out = scanFull(head, 0);
      let cut = maxStringLength;
      const open = out.lastIndexOf('[REDACTED', cut - 1);
      if (open >= 0 && out.indexOf(']', open) >= cut) cut = open;
      return `${out.slice(0, cut)}…[TRUNCATED ${len} chars]`;
    }
    // The whole fast path: one pass of table lookups (or one regex call), no allocation.
    if (PLAIN_TEXT_ON && extra.length === 0 && plainText(s)) return s;
    FIRST_MARKER.lastIndex = 0;
    const first = FIRST_MARKER.exec(s);
    if (first === null && extra.length === 0 && (len < MIN_PROVIDER || (providerAt(s, 0) === null && !hasUngatedCue(s)))) return s;
    return scanFull(s, first === null ? s.length : first.index);
  };

  return { scan, maskSecret, hasMarkers };
}
