/**
 * Value patterns for free text (redaction.md section 3). The scanner collects [start, end) ranges
 * from each detector, merges overlaps and rebuilds the string once; a clean string is returned
 * as the same reference with no allocation.
 *
 * Fast path: strings shorter than MIN_SECRET_TEXT and strings with none of the cheap markers
 * below (one regex call) never reach a detector. Repeated values are memoized per key by the
 * walker instead (a global clean-string cache cost more on unique values than it saved).
 */
import { K_AMBIGUOUS, K_ALLOW, K_JWK, K_LINE, K_SECRET, isSafeAmbiguousString, type KeyClassifier } from './keys';

/**
 * Every detector needs one of these: `=` `:` `%` (key-value pairs, header lines, JSON, userinfo,
 * percent-encoded `%3D`), `eyJ` (JWT), a PEM header, or an auth scheme followed by a separator.
 */
const MARKER_SOURCE = '[=:]|%(?:25)?3D|eyJ|-----BEGIN|(?:bearer|basic|dpop)(?:\\s|\\+|%20)';
export const MARKERS = new RegExp(MARKER_SOURCE, 'i');
/** Global copy: its first match is where a full scan can start. */
const FIRST_MARKER = new RegExp(MARKER_SOURCE, 'gi');

/** `code=x` is the shortest secret-bearing text worth a scan. */
const MIN_SECRET_TEXT = 6;
/** Context kept past maxStringLength so a secret straddling the cut is still recognised. */
const TRUNCATE_MARGIN = 512;

/** Candidates other than `=` and `:` (those two are found with indexOf, which is much cheaper
 *  per hit than a regex exec on separator-dense text such as URLs and JSON). */
const OTHER_CANDIDATES = /%(?:25)?3D|eyJ|-----BEGIN|(?:bearer|basic|dpop)(?:\s|\+|%20)/gi;
// Sticky detectors, run only at a candidate position.
const PEM = /-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY)-----([\s\S]*?)(?:-----END \1-----|$)/y;
/** JWS (3 segments), JWE (5), unsecured (trailing dot) and bare base64url JSON (`eyJ…`). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){0,4}/y;
/** Sentry Relay's bearer shape, extended to Basic and DPoP, with `%20` / `+` from URLs and forms. */
const SCHEME = /(?:bearer|basic|dpop)(?:[ \t]+|%20|\+)([A-Za-z0-9\-._~+/%]+=*)/iy;
export const AUTH_SCHEMES: ReadonlySet<string> = new Set([
  'bearer', 'basic', 'dpop', 'digest', 'negotiate', 'ntlm', 'token', 'mac', 'hoba', 'mutual', 'gnap',
  'privatetoken', 'aws4-hmac-sha256', 'vapid', 'scram-sha-1', 'scram-sha-256', 'concealed',
]);
const SCHEME_MAX = Math.max(...[...AUTH_SCHEMES].map((x) => x.length));
/** WWW-Authenticate parameters: `Bearer realm="x"` is a challenge, not a credential. */
const AUTH_PARAMS = new Set([
  'realm', 'error', 'error_description', 'error_uri', 'scope', 'algs', 'charset', 'nonce',
  'resource_metadata', 'as_uri', 'resource',
]);
const LITERALS = new Set(['null', 'true', 'false', 'undefined', 'None', 'nil', 'NULL']);

export interface TextOptions {
  classify: KeyClassifier;
  mayBeSecret: (ending: number) => boolean;
  mask: (secret: string) => string;
  extraPatterns: readonly RegExp[];
  maxStringLength: number;
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
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_.-]/.test(ch)) IDENT[c] = 1;
  if (c <= 32 || '&#;,"\'<>\\|`()[]{}'.includes(ch)) TERM[c] = 1;
  // Auth scheme token characters (`aws4-hmac-sha256`).
  if (/[A-Za-z0-9._~-]/.test(ch)) SCHEME_CHAR[c] = 1;
}
/** Bytes that end a value when percent-encoded: whitespace and the terminator characters above. */
const TERM_BYTE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d, 0x26, 0x23, 0x3b, 0x2c, 0x22, 0x27, 0x3c, 0x3e, 0x5c, 0x7c, 0x60, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d]) TERM_BYTE[b] = 1;
/** Percent-encoded bytes allowed inside a parameter name (`access%5Ftoken`): `_`, `-`, `.`. */
const isNameByte = (b: number): boolean => b === 0x5f || b === 0x2d || b === 0x2e;
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
 * Length of `Scheme<sep>` when a known auth scheme (`Bearer `, `Basic%20`, `DPoP+`) opens the
 * text at i and something follows it before `end`; else 0. Hand-written: it runs on every
 * secret value, and the equivalent regex backtracks over long tokens.
 */
function schemeAt(s: string, i: number, end: number): number {
  const c0 = s.charCodeAt(i) | 32;
  if (c0 < 97 || c0 > 122) return 0;
  let j = i + 1;
  const lim = Math.min(end, i + SCHEME_MAX);
  while (j < lim) {
    const c = s.charCodeAt(j);
    if (c >= 128 || SCHEME_CHAR[c] !== 1) break;
    j++;
  }
  let k = j;
  const c = s.charCodeAt(k);
  if (c === 32 || c === 9) while (k < end && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  else if (c === 43) k++;
  else if (c === 37 && s.charCodeAt(k + 1) === 50 && s.charCodeAt(k + 2) === 48) k += 3;
  else return 0;
  if (k >= end || !AUTH_SCHEMES.has(s.slice(i, j).toLowerCase())) return 0;
  return k - i;
}

/** End of the line at i: CR, LF, or a literal `\r` / `\n` escape inside an encoded string. */
function endOfLine(s: string, i: number): number {
  const n = s.length;
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
  const min = Math.max(0, e - 64);
  let b = e;
  while (b > min) {
    const c = s.charCodeAt(b - 1);
    if (c >= 128 || IDENT[c] !== 1) break;
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

function sortAndMerge(r: number[]): number[] {
  if (r.length <= 2) return r;
  // Detectors report in scan order, so ranges are almost always sorted and disjoint already.
  let ordered = true;
  for (let i = 2; i < r.length && ordered; i += 2) ordered = r[i]! >= r[i - 1]!;
  if (ordered) return r;
  const idx: number[] = [];
  for (let i = 0; i < r.length; i += 2) idx.push(i);
  idx.sort((a, b) => r[a]! - r[b]! || r[b + 1]! - r[a + 1]!);
  const out: number[] = [];
  for (const i of idx) {
    const s = r[i]!;
    const e = r[i + 1]!;
    const last = out.length - 1;
    if (last > 0 && s < out[last]!) {
      if (e > out[last]!) out[last] = e;
    } else out.push(s, e);
  }
  return out;
}

export function createTextScanner(opts: TextOptions): TextScanner {
  const { classify, mayBeSecret, mask, maxStringLength } = opts;

  /** Pre-check on the name in s[b, e): its last three normalized characters (`-` `_` `.`
   *  skipped, lower-cased) must end some secret name. Most names in text (`https`, `page`,
   *  line numbers) stop here without a slice or a map lookup. */
  const nameMayBeSecret = (s: string, b: number, e: number): boolean => {
    let packed = 0;
    let got = 0;
    for (let i = e - 1; i >= b && got < 3; i--) {
      const c = s.charCodeAt(i);
      if (c === 45 || c === 95 || c === 46) continue;
      packed |= (c >= 65 && c <= 90 ? c + 32 : c) << (8 * got);
      got++;
    }
    return got < 3 || mayBeSecret(packed);
  };
  // Global + indices copies so exec() walks every match and reports group 1's position.
  const extra = opts.extraPatterns.map((re) => new RegExp(re.source, re.flags.replace(/[gyd]/g, '') + 'gd'));

  const maskSecret = (v: string): string => {
    if (v.length === 0) return v;
    const k = schemeAt(v, 0, v.length);
    return k > 0 ? v.slice(0, k) + mask(v.slice(k)) : mask(v);
  };

  /**
   * One key-value candidate at separator p (`=`, `:`, `%3D`, `%253D`): `name=value`,
   * `name: value`, `"name":"value"` (any level of escaping), header lines, and
   * `scheme://user:pass@host`. Pushes the value's range; returns where scanning resumes.
   */
  const pair = (s: string, p: number, sepLen: number, colon: boolean, r: number[]): number => {
    const n = s.length;
    // `scheme://user:pass@host`: both parts go.
    if (colon && s.charCodeAt(p + 1) === 47 && s.charCodeAt(p + 2) === 47) {
      let at = -1;
      for (let j = p + 3; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c === 64) at = j;
        else if (c === 47 || c === 63 || (c < 128 && TERM[c] === 1 && c !== 38 && c !== 59 && c !== 44)) break;
      }
      if (at <= p + 3) return p + 3;
      const sep = s.indexOf(':', p + 3);
      if (sep >= 0 && sep < at) {
        if (sep > p + 3) r.push(p + 3, sep);
        if (at > sep + 1) r.push(sep + 1, at);
      } else r.push(p + 3, at);
      return at + 1;
    }

    // The name before the separator, behind optional spaces and quotes (JSON, escaped JSON).
    let e = p;
    while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
    const q = s.charCodeAt(e - 1);
    if (q === 34 || q === 39) {
      e--;
      while (e > 0 && s.charCodeAt(e - 1) === 92) e--;
    }
    let b = startOfName(s, e);
    if (b === e || !nameMayBeSecret(s, b, e)) return p + 1;
    let name = s.slice(b, e);
    // `\u0026state=`: the hex digits of a JSON unicode escape are not part of the name.
    if (b >= 2 && s.charCodeAt(b - 1) === 117 && s.charCodeAt(b - 2) === 92 && /^[0-9a-fA-F]{4}/.test(name)) {
      name = name.slice(4);
      b += 4;
    }
    if (name.indexOf('%') >= 0) name = name.replace(/%(?:25)?(?:5f|2d|2e)/gi, '_');
    const kind = classify(name);
    if ((kind & (K_SECRET | K_AMBIGUOUS)) === 0 || (kind & (K_ALLOW | K_JWK)) !== 0) return p + 1;

    // The value: quoted (any level of backslash escaping), bracketed, to end of line, or a token.
    let v = p + sepLen;
    while (v < n && (s.charCodeAt(v) === 32 || s.charCodeAt(v) === 9)) v++;
    if (v >= n) return p + 1;
    let vs = v;
    let ve: number;
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
      vs += schemeAt(s, vs, ve);
    } else if (qc === 123 || qc === 91) {
      ve = endOfBracket(s, v);
    } else {
      // `token: Bearer abc`: keep the scheme, and the credential is what follows it.
      vs = v + schemeAt(s, v, n);
      ve = colon && (kind & K_LINE) !== 0 ? endOfLine(s, vs) : endOfValue(s, vs);
    }
    if (ve <= vs) return p + 1;
    if (ve - vs <= 9 && LITERALS.has(s.slice(vs, ve))) return p + 1;
    if ((kind & K_AMBIGUOUS) !== 0) {
      const value = s.slice(vs, ve);
      // Inside a URL query, fragment or form body `code` / `state` are always secret; a string
      // of `=` pairs with no whitespace at all (`url.query` = `state=xyz`) counts as one.
      const before = b > 0 ? s.charCodeAt(b - 1) : 0;
      const urlCtx =
        isQueryDelimiter(before) || s.charCodeAt(ve) === 38 ||
        isQueryDelimiter(escapeBefore(s, b)) || (escapeAt(s, ve) & 255) === 0x26 || (!colon && !/\s/.test(s));
      if (!urlCtx && isSafeAmbiguousString(value)) return p + 1;
    }
    r.push(vs, ve);
    return ve;
  };

  /** One OTHER_CANDIDATES match at i; returns where scanning resumes. */
  const candidate = (s: string, i: number, len: number, r: number[]): number => {
    const c = s.charCodeAt(i);
    if (c === 37) return pair(s, i, len, false, r); // `%3D` or `%253D`
    if (c === 101) {
      if (s.charCodeAt(i + 1) !== 121 || s.charCodeAt(i + 2) !== 74 || (i > 0 && isB64Url(s.charCodeAt(i - 1)))) return i + 1;
      JWT.lastIndex = i;
      const m = JWT.exec(s);
      if (m === null) return i + 1;
      r.push(i, i + m[0].length);
      return i + m[0].length;
    }
    if (c === 45) {
      PEM.lastIndex = i;
      const m = PEM.exec(s);
      if (m === null) return i + len;
      const start = i + 16 + m[1]!.length; // `-----BEGIN ` + type + `-----`
      if (m[2]!.length > 0) r.push(start, start + m[2]!.length);
      return i + m[0].length;
    }
    // An auth scheme word followed by a separator.
    if (i > 0 && isB64Url(s.charCodeAt(i - 1))) return i + 1;
    SCHEME.lastIndex = i;
    const m = SCHEME.exec(s);
    if (m === null) return i + len;
    let cred = m[1]!;
    while (cred.endsWith('.')) cred = cred.slice(0, -1);
    if (!looksLikeCredential(cred)) return i + len;
    const start = i + m[0].length - m[1]!.length;
    r.push(start, start + cred.length);
    return start + cred.length;
  };

  /** Full scan from `start` (nothing secret-shaped before it): candidates in position order,
   *  each detector resuming after what it redacted. */
  const scanFull = (s: string, start: number): string => {
    const r: number[] = [];
    let ie = s.indexOf('=', start);
    let ic = s.indexOf(':', start);
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
      let p = ie;
      let which = 0;
      if (ic >= 0 && (p < 0 || ic < p)) {
        p = ic;
        which = 1;
      }
      if (io >= 0 && (p < 0 || io < p)) {
        p = io;
        which = 2;
      }
      if (p < 0) break;
      const next = which === 0 ? pair(s, p, 1, false, r) : which === 1 ? pair(s, p, 1, true, r) : candidate(s, p, ioLen, r);
      const from = next > p ? next : p + 1;
      if (ie >= 0 && ie < from) ie = s.indexOf('=', from);
      if (ic >= 0 && ic < from) ic = s.indexOf(':', from);
      if (io >= 0 && io < from) seekOther(from);
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
    if (r.length === 0) return s;
    const merged = sortAndMerge(r);
    let out = '';
    let last = 0;
    for (let i = 0; i < merged.length; i += 2) {
      const a = merged[i]!;
      const z = merged[i + 1]!;
      out += s.slice(last, a) + mask(s.slice(a, z));
      last = z;
    }
    return out + s.slice(last);
  };

  const hasMarkers = (s: string): boolean => extra.length > 0 || MARKERS.test(s);

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
    // The whole fast path: one regex call, no allocation when nothing matches.
    FIRST_MARKER.lastIndex = 0;
    const first = FIRST_MARKER.exec(s);
    if (first === null && extra.length === 0) return s;
    return scanFull(s, first === null ? s.length : first.index);
  };

  return { scan, maskSecret, hasMarkers };
}
