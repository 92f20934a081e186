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
  'X-Amz-Credential',
]);

/** Secret when the value is a string or number (`http.request({ auth: 'user:pass' })`); an
 *  object under it is walked instead (`auth: { method, username, password }`). */
export const SCALAR_SECRET_KEYS: readonly string[] = Object.freeze(['auth']);

/** `code` / `state`: secret unless the value has a safe shape (see isSafeAmbiguous). */
export const AMBIGUOUS_KEYS: readonly string[] = Object.freeze(['code', 'state']);

/** Header names whose text form runs to the end of the line (`Cookie: a=1; b=2`). */
export const LINE_HEADER_KEYS: readonly string[] = Object.freeze([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
]);

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

/** Lower-case and drop `-`, `_`, `.` so every naming style compares equal (redaction.md section 2). */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.]/g, '');
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

const SECRET_SET = new Set([...SECRET_KEYS, ...EXTRA_SECRET_KEYS].map(normalizeKey));
const AMBIGUOUS_SET = new Set(AMBIGUOUS_KEYS.map(normalizeKey));
const LINE_SET = new Set(LINE_HEADER_KEYS.map(normalizeKey));
const SCALAR_SET = new Set(SCALAR_SECRET_KEYS.map(normalizeKey));
const JWK_SET = new Set(JWK_PRIVATE_MEMBERS);
const HARMLESS_SET = new Set(HARMLESS_KEYS.map(normalizeKey));
const CONTEXT_SET = new Set(OAUTH_CONTEXT_KEYS.map(normalizeKey));
for (const k of AMBIGUOUS_SET) SECRET_SET.delete(k);

/** Verdict of an already-normalized key, without allow list, prefixes or caching. */
function kindOfNormalized(n: string, extra: ReadonlySet<string>): number {
  if (n.length === 0) return 0;
  let k = 0;
  if (SECRET_SET.has(n) || extra.has(n)) k = K_SECRET;
  else if (AMBIGUOUS_SET.has(n)) k = K_AMBIGUOUS;
  else if (SCALAR_SET.has(n)) k = K_SECRET | K_SCALAR;
  else if (JWK_SET.has(n)) k = K_JWK;
  else if (!HARMLESS_SET.has(n)) {
    for (const suffix of SECRET_SUFFIXES) {
      if (n.length > suffix.length && n.endsWith(suffix)) {
        // `proxyAuthorization`, `sessionCookie`: the suffix brings its header behaviour along.
        k = K_SECRET | (LINE_SET.has(suffix) ? K_LINE : 0);
        break;
      }
    }
  }
  if (LINE_SET.has(n)) k |= K_LINE;
  if (CONTEXT_SET.has(n)) k |= K_CONTEXT;
  return k;
}

const CACHE_LIMIT = 4096;
const CACHE_KEY_MAX = 64;

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
  entry(rawKey: string): KeyEntry;
  /**
   * Cheap pre-check for names found in text: false when a name whose last three normalized
   * characters pack to `ending` (see packEnding) can never be secret, so the scanner can skip
   * slicing and looking it up. Names shorter than three characters always answer true.
   */
  mayBeSecret(ending: number): boolean;
}

/** Three lower-case character codes packed into one number (the end of a normalized name). */
export const packEnding = (a: number, b: number, c: number): number => (a << 16) | (b << 8) | c;

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

  const compute = (raw: string): number => {
    const n = normalizeKey(raw);
    let k: number;
    if (allow.has(n)) k = K_ALLOW;
    else {
      k = kindOfNormalized(n, extra);
      if ((k & (K_SECRET | K_AMBIGUOUS | K_JWK)) === 0) {
        // `x-access-token`, `X_API_KEY`: header names with an x- prefix.
        const c0 = raw.charCodeAt(0) | 32;
        const c1 = raw.charCodeAt(1);
        if (c0 === 120 && (c1 === 45 || c1 === 95)) k |= kindOfNormalized(normalizeKey(raw.slice(2)), extra);
        // Flattened paths: `http.request.header.authorization`, `req.headers.cookie`.
        const dot = raw.lastIndexOf('.');
        if ((k & (K_SECRET | K_AMBIGUOUS)) === 0 && dot > 0 && dot < raw.length - 1) {
          const last = raw.slice(dot + 1);
          const ln = normalizeKey(last);
          if (allow.has(ln)) k = K_ALLOW;
          else {
            let lk = kindOfNormalized(ln, extra);
            const l0 = last.charCodeAt(0) | 32;
            const l1 = last.charCodeAt(1);
            if (lk === 0 && l0 === 120 && (l1 === 45 || l1 === 95)) lk = kindOfNormalized(normalizeKey(last.slice(2)), extra);
            // A single-letter JWK member after a dot is not a JWK context.
            k |= lk & ~K_JWK;
          }
        }
      }
    }
    if (isDirty(raw)) k |= K_DIRTY;
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

  // Every secret name, suffix and extra key ends with one of these; allowKeys never add any.
  const endings = new Set<number>();
  let short = false; // an extra key under 3 characters (`x-pw`, `a.pw`) disables the pre-check
  for (const n of [...SECRET_SET, ...AMBIGUOUS_SET, ...SCALAR_SET, ...extra, ...SECRET_SUFFIXES.map(normalizeKey)]) {
    if (n.length >= 3) endings.add(packEnding(n.charCodeAt(n.length - 3), n.charCodeAt(n.length - 2), n.charCodeAt(n.length - 1)));
    else short = true;
  }
  const mayBeSecret = short ? () => true : (ending: number) => endings.has(ending);
  return { entry, classify: (raw) => entry(raw).kind, mayBeSecret };
}

/**
 * Safe shapes for `code` / `state` values outside OAuth objects: small integers (HTTP status,
 * errno numbers), errno names (`ECONNRESET`, needs a vowel so RFC 8628 user codes never match),
 * upper snake codes (`ERR_INVALID_ARG_TYPE`), and short lower-case words (`invalid_grant`,
 * `loading`). A random 20+ character string never matches.
 */
const SAFE_AMBIGUOUS_STRING =
  /^(?:-?\d{1,5}|E(?=[A-Z]*[AEIOU])[A-Z]{2,15}|[A-Z][A-Z0-9]{0,31}(?:_[A-Z0-9]{1,31}){1,7}|[a-z]{1,14}(?:[_-][a-z]{1,14}){0,5})$/;

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
