import {
  CLAIMS_KEYS, CLAIMS_MEMBERS, CODE_QUALIFIERS, ID_SECRET_QUALIFIERS, KEY_NEUTRAL_QUALIFIERS, KEY_QUALIFIERS, LINE_WORDS, MAX_KEY_CLASSIFIED,
  META_WORDS, NEUTRAL_QUALIFIERS, SECRET_WORDS, SECRET_WORD_SUFFIXES, STATE_QUALIFIERS, WRAPPER_WORDS, singular, splitWords,
} from './words';

/**
 * Key names whose values are secrets (reference: redaction.md section 2), and the classifier that
 * maps a raw key (any case or style) to a verdict. Verdicts are bit flags so that one cached number
 * answers every question the walker and the text scanner ask about a key.
 */

/** The exact list from redaction.md section 2, in its documented spelling. */
export const SECRET_KEYS: readonly string[] = Object.freeze([
  // OAuth token values
  'access_token', 'refresh_token', 'id_token', 'token', 'registration_access_token', 'subject_token',
  'actor_token', 'device_code', 'assertion', 'client_assertion', 'logout_token',
  // OAuth flow values (`code` and `state` are ambiguous, see AMBIGUOUS_KEYS)
  'code', 'code_verifier', 'state', 'pre-authorized_code', 'user_code',
  // Client credentials
  'client_secret', 'password', 'passwd', 'secret', 'api_key', 'apikey', 'private_key', 'privatekey',
  'credentials',
  // HTTP headers
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'dpop', 'x-api-key',
  // Session material
  'session', 'sessionid', 'connect.sid', 'csrf', 'csrf_token', '_csrf', 'xsrf-token',
]);

/**
 * Reviewed additions: an ID token sent back as a hint, passphrases, and the presigned-URL
 * signatures OTel semconv redacts by default.
 */
export const EXTRA_SECRET_KEYS: readonly string[] = Object.freeze([
  'id_token_hint', 'passphrase', 'client_credentials', 'authorization_code', 'auth_code',
  'oauth_state', 'pkce_state', 'pkce_verifier', 'signature', 'sig', 'AWSAccessKeyId',
  'X-Amz-Credential', 'SAMLResponse', 'SAMLart',
]);

/** Secret when the value is a string or number (`http.request({ auth: 'user:pass' })`); an
 *  object under it is walked instead (`auth: { method, username, password }`). */
export const SCALAR_SECRET_KEYS: readonly string[] = Object.freeze(['auth']);

/** `code` / `state`: secret unless the value has a safe shape (see isSafeAmbiguous). */
export const AMBIGUOUS_KEYS: readonly string[] = Object.freeze(['code', 'state']);

/** Header names whose text form runs to the end of the line (`Cookie: a=1; b=2`). */
export const LINE_HEADER_KEYS: readonly string[] = Object.freeze([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  // `t=…,v1=…,v0=…`: every signature in the header, not only the first pair.
  'stripe-signature',
]);

/** Session cookies named by a fixed prefix and a per-site hash (`wordpress_logged_in_<md5>`,
 *  `wordpress_sec_<md5>`), normalized: no secret word in them, the prefix is the signal. */
export const SESSION_COOKIE_PREFIXES: readonly string[] = Object.freeze(['wordpressloggedin', 'wordpresssec']);
/** Their first characters (a table read rules out most keys before the list is walked). */
const SESSION_COOKIE_INITIALS = new Uint8Array(128);
for (const x of SESSION_COOKIE_PREFIXES) SESSION_COOKIE_INITIALS[x.charCodeAt(0) & 127] = 1;
function hasSessionCookiePrefix(n: string): boolean {
  for (const x of SESSION_COOKIE_PREFIXES) if (n.startsWith(x)) return true;
  return false;
}

/** Private JWK members: secret only inside an object that also has `kty`. `k` is the oct key. */
export const JWK_PRIVATE_MEMBERS: readonly string[] = Object.freeze(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);

/**
 * Suffixes of normalized keys that are secret too (`githubAccessToken`, `webhookSecret`,
 * `dbPassword`). Kept short and specific: `code` and `state` are not suffixes (statusCode, readyState).
 */
export const SECRET_SUFFIXES: readonly string[] = Object.freeze([
  'token', 'secret', 'password', 'passwd', 'passphrase', 'apikey', 'privatekey', 'credentials',
  'cookie', 'sessionid', 'codeverifier', 'assertion', 'authorization', 'authcode', 'authorizationcode',
  'devicecode', 'usercode',
]);

/** Known-harmless keys that a suffix rule would otherwise hit (pagination and cancellation). */
export const HARMLESS_KEYS: readonly string[] = Object.freeze([
  'next_page_token', 'page_token', 'next_token', 'continuation_token', 'cancellation_token',
]);

/**
 * Keys that mark an OAuth request or response object: there `code` and `state` are always secret,
 * whatever their shape.
 */
export const OAUTH_CONTEXT_KEYS: readonly string[] = Object.freeze([
  'grant_type', 'redirect_uri', 'redirect_url', 'client_id', 'code_verifier', 'code_challenge',
  'response_type', 'response_mode', 'session_state', 'iss', 'error_description', 'error_uri',
]);

const KEY_SEPARATORS = /[-_.]/g;
/** Lower-case and drop `-`, `_`, `.` so every naming style compares equal (redaction.md section 2). */
export function normalizeKey(key: string): string {
  const l = key.toLowerCase();
  // Most keys have no separator: no regex call, no second string.
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46) return l.replace(KEY_SEPARATORS, '');
  }
  return l;
}

// Verdict bits.
export const K_SECRET = 1;
/** `code` / `state`: secret unless safe-shaped and outside an OAuth object. */
export const K_AMBIGUOUS = 2;
/** JWK private member: secret only next to `kty`. */
export const K_JWK = 4;
/** Listed in `allowKeys`: never redacted because of its name. */
export const K_ALLOW = 8;
/** Marks an OAuth request/response object (see OAUTH_CONTEXT_KEYS). */
export const K_CONTEXT = 16;
/** In text, the value runs to the end of the line. */
export const K_LINE = 32;
/** Secret only as a scalar: objects under the key are walked (see SCALAR_SECRET_KEYS). */
export const K_SCALAR = 64;
/** The key text itself contains secret-shaped content and must be scanned. */
export const K_DIRTY = 128;
/** Bare `key`: secret when its value has a credential's shape (see looksLikeKeyMaterial). */
export const K_KEYLIKE = 256;
/** The OIDC `claims` request parameter. */
export const K_CLAIMS = 512;
/** `id_token` / `userinfo`: request structure (walked) when inside `claims`. */
export const K_CLAIMS_MEMBER = 1024;
/** `value` of a `{ name | key, value }` pair (cookie jars, form fields, env lists). */
export const K_VALUE = 2048;

const SECRET_SET = new Set([...SECRET_KEYS, ...EXTRA_SECRET_KEYS].map(normalizeKey));
const AMBIGUOUS_SET = new Set(AMBIGUOUS_KEYS.map(normalizeKey));
const LINE_SET = new Set(LINE_HEADER_KEYS.map(normalizeKey));
const SCALAR_SET = new Set(SCALAR_SECRET_KEYS.map(normalizeKey));
const JWK_SET = new Set(JWK_PRIVATE_MEMBERS);
const HARMLESS_SET = new Set(HARMLESS_KEYS.map(normalizeKey));
const CONTEXT_SET = new Set(OAUTH_CONTEXT_KEYS.map(normalizeKey));
for (const k of AMBIGUOUS_SET) SECRET_SET.delete(k);

/** `[K_SECRET]` bits for a key's head word decided by the word rules (words.ts). */
const SECRET_WORD_SET = new Set(SECRET_WORDS);
const SUFFIXES = [...SECRET_WORD_SUFFIXES, 'authorization'];
const KEY_QUAL = new Set(KEY_QUALIFIERS);
const CODE_QUAL = new Set(CODE_QUALIFIERS);
const STATE_QUAL = new Set(STATE_QUALIFIERS);
const ID_QUAL = new Set(ID_SECRET_QUALIFIERS);
const KEY_NEUTRAL = new Set(KEY_NEUTRAL_QUALIFIERS);
const WRAPPERS = new Set(WRAPPER_WORDS);
const META = new Set(META_WORDS);
const NEUTRAL = new Set(NEUTRAL_QUALIFIERS);
const LINE_WORD_SET = new Set(LINE_WORDS);
const CLAIMS_SET = new Set(CLAIMS_KEYS);
const CLAIMS_MEMBER_SET = new Set(CLAIMS_MEMBERS);
const VOCAB = new Set<string>([
  ...SECRET_WORDS, ...WRAPPER_WORDS, ...META_WORDS, 'key', 'code', 'state', 'id', 'ticket', ...NEUTRAL_QUALIFIERS,
]);

/** A vocabulary word with trailing digits dropped (`token2`) and singularized (`tokens`). */
function norm(w: string): string {
  let e = w.length;
  while (e > 1 && w.charCodeAt(e - 1) >= 48 && w.charCodeAt(e - 1) <= 57) e--;
  if (e < w.length) w = w.slice(0, e);
  return singular(w, VOCAB);
}

/** Verdict bits of a secret head word (`token`, `cookie`, `auth`), or 0. */
function headKind(h: string): number {
  if (h === 'auth') return K_SECRET | K_SCALAR;
  if (SECRET_WORD_SET.has(h)) return K_SECRET | (LINE_WORD_SET.has(h) ? K_LINE : 0);
  for (const suf of SUFFIXES) {
    if (h.length > suf.length && h.endsWith(suf)) return K_SECRET | (LINE_WORD_SET.has(suf) ? K_LINE : 0);
  }
  return 0;
}

/**
 * The word rules: split, singularize, skip trailing wrapper words (`_value`, `Pem`), and decide
 * on the head word and the word before it. Bounded by MAX_KEY_CLASSIFIED characters.
 */
export function classifyWords(raw: string): number {
  const seps: number[] = [];
  const ws = splitWords(raw, seps);
  let i = ws.length - 1;
  // A trailing number is a variant, not a new meaning (`X-Hub-Signature-256`, `token_2`).
  while (i > 0 && (WRAPPERS.has(ws[i]!) || WRAPPERS.has(norm(ws[i]!)) || /^\d+$/.test(ws[i]!)) && norm(ws[i]!) !== 'key') i--;
  if (i < 0) return 0;
  // `x-api-key`, `X_ACCESS_TOKEN`: the header prefix is not a qualifier.
  const first = ws[0] === 'x' && ws.length > 1 ? 1 : 0;
  const head = norm(ws[i]!);
  const prev = i > first ? norm(ws[i - 1]!) : '';
  if (META.has(head) && head !== 'id' && head !== 'state') return 0;
  if (prev !== '' && NEUTRAL.has(prev)) return 0;
  // A path separator right before the head (`query.code`, `params[state]`): the word before is a
  // container, not a qualifier.
  const sep = seps[i]!;
  const pathHead = i === first || prev === '' || sep === 46 || sep === 91 || sep === 93 || sep === 47 || sep === 58;
  switch (head) {
    case 'key':
      if (KEY_QUAL.has(prev)) return K_SECRET;
      // A header named `x-…-key` is a credential header (`x-functions-key`, `x-goog-api-key`).
      if (first === 1 && i === ws.length - 1 && seps[1] === 45) return K_SECRET;
      // Any other qualified key (`deploy_key`, `recovery_key`) is decided by its value's shape,
      // unless the qualifier names a lookup key (`cache_key`, `partition_key`).
      return i === first || !KEY_NEUTRAL.has(prev) ? K_KEYLIKE : 0;
    case 'code':
      if (CODE_QUAL.has(prev)) return K_SECRET;
      return pathHead ? K_AMBIGUOUS : 0;
    case 'state':
      if (STATE_QUAL.has(prev)) return K_SECRET;
      return pathHead ? K_AMBIGUOUS : 0;
    case 'id':
      return ID_QUAL.has(prev) ? K_SECRET : 0;
    // CAS / Kerberos / download tickets are bearer credentials; a support `ticket` is a number
    // or a short id: decided by the value's shape, like a qualified `key`.
    case 'ticket':
      return K_KEYLIKE;
    default:
      return headKind(head);
  }
}

/** Verdict of a key: the reviewed exact lists first, then the word rules. */
function kindOf(raw: string, n: string, extra: ReadonlySet<string>): number {
  if (n.length === 0) return 0;
  let k = 0;
  if (SECRET_SET.has(n) || extra.has(n)) k = K_SECRET;
  else if (AMBIGUOUS_SET.has(n)) k = K_AMBIGUOUS;
  else if (SCALAR_SET.has(n)) k = K_SECRET | K_SCALAR;
  else if (JWK_SET.has(n)) k = K_JWK;
  else if (SESSION_COOKIE_INITIALS[n.charCodeAt(0) & 127] === 1 && hasSessionCookiePrefix(n)) k = K_SECRET;
  else if (!HARMLESS_SET.has(n)) k = classifyWords(raw);
  if (LINE_SET.has(n)) k |= K_LINE;
  if (CONTEXT_SET.has(n)) k |= K_CONTEXT;
  if (CLAIMS_SET.has(n)) k |= K_CLAIMS;
  if (CLAIMS_MEMBER_SET.has(n)) k |= K_CLAIMS_MEMBER;
  // `value`, and the value of a named pair (`ParameterValue`, `headerValue`).
  if (n === 'value' || (n.length <= 24 && n.endsWith('value') && (k & K_SECRET) === 0)) k |= K_VALUE;
  return k;
}

/** Distinct keys cached; past this the cache starts over (classification is constant-time, so
 *  a flood of distinct keys costs a recomputation each, never a re-scan of siblings). */
const CACHE_LIMIT = 8192;
const CACHE_KEY_MAX = 128;
/** Slots of the text names' cache (a power of two). */
const NAME_SLOTS = 4096;

export type KeyClassifier = (rawKey: string) => number;

/** Cached verdict of one raw key, plus the last clean string values seen under it: a 4-way memo
 *  that lets repeated values (`status: 'success'` / `'failure'`) skip the text scan. */
export interface KeyEntry {
  readonly kind: number;
  m0: string | undefined;
  m1: string | undefined;
  m2: string | undefined;
  m3: string | undefined;
  /** Next memo slot to overwrite. */
  next: number;
}

export interface KeyTable {
  classify: KeyClassifier;
  /** The verdict of a name read from text, without K_DIRTY (a name in text is not rewritten):
   *  a direct-mapped cache of its own, so that text naming thousands of distinct keys neither
   *  churns the walker's cache nor allocates an entry per name. */
  classifyName: KeyClassifier;
  entry(rawKey: string): KeyEntry;
}

/**
 * Builds a cached classifier. The cache maps raw keys to verdicts; it is bounded (cleared when
 * full) so attacker-chosen keys cannot grow memory. `isDirty` decides K_DIRTY for the key text.
 */
export function createKeyTable(
  extraKeys: readonly string[],
  allowKeys: readonly string[],
  isDirty: (s: string) => boolean,
): KeyTable {
  const extra = new Set(extraKeys.map(normalizeKey));
  const allow = new Set(allowKeys.map(normalizeKey));
  const cache = new Map<string, KeyEntry>();

  const compute = (raw: string): number => kindOfKey(raw) | (isDirty(raw) ? K_DIRTY : 0);

  const kindOfKey = (raw: string): number => {
    const cut = raw.length > MAX_KEY_CLASSIFIED ? raw.slice(raw.length - MAX_KEY_CLASSIFIED) : raw;
    const n = normalizeKey(cut);
    let k: number;
    if (allow.has(n)) k = K_ALLOW;
    else {
      k = kindOf(cut, n, extra);
      if ((k & (K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE)) === 0) {
        // `x-pw`, `X_CLIENT_SECRET`: an extra or listed name behind an x- prefix.
        const c0 = cut.charCodeAt(0) | 32;
        const c1 = cut.charCodeAt(1);
        if (c0 === 120 && (c1 === 45 || c1 === 95)) k |= kindOf(cut.slice(2), normalizeKey(cut.slice(2)), extra) & ~K_JWK;
        // Flattened paths: `http.request.header.authorization`, `a.pw`.
        const dot = cut.lastIndexOf('.');
        if ((k & (K_SECRET | K_AMBIGUOUS)) === 0 && dot > 0 && dot < cut.length - 1) {
          const last = cut.slice(dot + 1);
          const ln = normalizeKey(last);
          if (allow.has(ln)) k = K_ALLOW;
          else {
            let lk = kindOf(last, ln, extra);
            const l0 = last.charCodeAt(0) | 32;
            const l1 = last.charCodeAt(1);
            if (lk === 0 && l0 === 120 && (l1 === 45 || l1 === 95)) lk = kindOf(last.slice(2), normalizeKey(last.slice(2)), extra);
            // A single-letter JWK member after a dot is not a JWK context.
            k |= lk & ~(K_JWK | K_CLAIMS | K_CLAIMS_MEMBER);
          }
        }
      }
    }
    return k;
  };

  const entry = (raw: string): KeyEntry => {
    let e = cache.get(raw);
    if (e !== undefined) return e;
    e = { kind: compute(raw), m0: undefined, m1: undefined, m2: undefined, m3: undefined, next: 0 };
    if (raw.length <= CACHE_KEY_MAX) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(raw, e);
    }
    return e;
  };

  // Slot by a hash of the name; a collision replaces the slot's name (memory stays bounded).
  const names: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  const nameKinds = new Int32Array(NAME_SLOTS);
  const classifyName = (raw: string): number => {
    const n = raw.length;
    let h = n;
    for (let i = 0; i < n; i++) h = ((h << 5) - h + raw.charCodeAt(i)) | 0;
    const slot = (h ^ (h >>> 13)) & (NAME_SLOTS - 1);
    if (names[slot] === raw) return nameKinds[slot]!;
    const k = kindOfKey(raw);
    if (n <= CACHE_KEY_MAX) {
      names[slot] = raw;
      nameKinds[slot] = k;
    }
    return k;
  };

  return { entry, classify: (raw) => entry(raw).kind, classifyName };
}

/**
 * Safe shapes for `code` / `state` values outside OAuth objects: small integers (HTTP status,
 * errno numbers), vendor error codes (`E11000`, Prisma's `P2002`, `ORA-00942`), errno names (`ECONNRESET`, needs a vowel so RFC 8628 user codes never match),
 * upper snake codes (`ERR_INVALID_ARG_TYPE`), and short lower-case words (`invalid_grant`,
 * `loading`). A random 20+ character string never matches.
 */
const SAFE_AMBIGUOUS_STRING =
  /^(?:-?\d{1,5}|[A-Z]{1,4}-?\d{3,5}|E(?=[A-Z]*[AEIOU])[A-Z]{2,15}|[A-Z][A-Z0-9]{0,31}(?:_[A-Z0-9]{1,31}){1,7}|[a-z]{1,14}(?:[_-][a-z]{1,14}){0,5})$/;

export function isSafeAmbiguousString(s: string): boolean {
  return s.length <= 64 && SAFE_AMBIGUOUS_STRING.test(s);
}

export function isSafeAmbiguous(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.length === 0 || isSafeAmbiguousString(v);
    case 'number':
      return !Number.isInteger(v) || Math.abs(v) <= 99_999;
    case 'boolean':
    case 'undefined':
      return true;
    default:
      return v === null;
  }
}

/**
 * A bare `key` holds key material rather than a name or path when its value is one opaque run of
 * 16+ base64/hex characters with both letters and digits (`key: 'c2VjcmV0LWtleS0xMjM0NTY3'`), not
 * words (`user-profile`), paths (`a/b/c`, `user:123`) or UUIDs.
 */
const WORD_PART = /^(?:[a-z]+|[A-Z][a-z]*|[A-Z]+|[0-9]+|[a-z]+[0-9]{1,2})$/;
export function looksLikeKeyMaterial(v: unknown): boolean {
  if (typeof v !== 'string') return typeof v === 'bigint';
  const n = v.length;
  if (n < 16) return false;
  if (n > 4096) return true;
  let letters = 0;
  let digits = 0;
  // Case flips between letters: random base64 flips about every other letter, camelCase words
  // every six or more (a letters-only key is key material when it flips often).
  let flips = 0;
  let lastUpper = -1;
  let seps = 0;
  let slashes = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      letters++;
      const up = c <= 90 ? 1 : 0;
      if (lastUpper >= 0 && up !== lastUpper) flips++;
      lastUpper = up;
    }
    else if (c >= 48 && c <= 57) digits++;
    else if (c === 43 || c === 61) seps++;
    else if (c === 47) {
      if (++slashes > 2 && slashes * 8 > n) return false;
    }
    else if (c === 45 || c === 95) seps++;
    else return false;
  }
  // Words joined by dashes (`2024-01-05_backup_v2_final`): every part a word or a number. Random
  // base64url may hold many separators (and empty parts), but its parts mix case and digits.
  if (seps > 4 && v.split(/[-_]/).every((w) => WORD_PART.test(w))) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false;
  return letters > 0 && (digits > 0 || (n >= 24 && flips * 4 >= letters));
}

/** A sibling that marks an OAuth request/response object (OAUTH_CONTEXT_KEYS, any style). */
export function isContextKey(k: string): boolean {
  return k.length <= 32 && CONTEXT_SET.has(normalizeKey(k));
}
