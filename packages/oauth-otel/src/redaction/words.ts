/**
 * The key-word catalog: which words make a key name secret, which words around them qualify or
 * neutralize it. One catalog for both layers: the package's key classifier (keys.ts) and the
 * collector's RE2 key rules (scripts/gen-collector-scrub.mjs reads the built copy of this file).
 *
 * A key is split into words (camel, snake, kebab, dots, brackets, SCREAMING), each singularized.
 * The LAST secret word decides: the key is secret unless a word after it says the value is
 * metadata about the secret (`token_type`, `password_length`, `client_secret_expires_at`) or a
 * word before it says the secret is something else (`next_page_token`, `max_tokens`).
 */

/** Words that make a key secret wherever they stand (after singularization). */
export const SECRET_WORDS: readonly string[] = Object.freeze([
  'token', 'secret', 'password', 'passwd', 'pass', 'pwd', 'passphrase', 'passcode', 'credential', 'cookie',
  'session', 'sid', 'sess', 'sessid', 'assertion', 'verifier', 'otp', 'totp', 'hotp', 'bearer', 'authorization',
  'csrf', 'xsrf', 'signature', 'sig', 'apikey', 'privatekey', 'secretkey', 'accesskey', 'jsessionid',
  'phpsessid', 'sessionid', 'dpop', 'auth',
  // SAML bearer carriers (the Response holds the signed assertion; an artifact redeems it).
  'samlresponse', 'samlart',
  // Wallet recovery phrases.
  'mnemonic',
  // Short forms seen in config and CLI dumps (`creds`, GitHub's `pat`) and a bare JWT carrier
  // (`?jwt=…`, `{ jwt }`); `jwt_algorithm` / `jwtExpiry` stay metadata through META_WORDS.
  'cred', 'pat', 'jwt',
]);

/** Long secret words that also count at the end of a run-together word (`accesstoken`, `dbpassword`).
 *  Short ones (`pass`, `sid`, `otp`) do not: `bypass`, `compass`, `ipsid` are not secrets. */
export const SECRET_WORD_SUFFIXES: readonly string[] = Object.freeze([
  'token', 'secret', 'password', 'passwd', 'passphrase', 'passcode', 'credential', 'cookie', 'sessid',
  'sessionid', 'assertion', 'verifier', 'apikey', 'privatekey', 'secretkey', 'accesskey',
]);

/** `key` is secret only after one of these (`api_key`, `AWS_SECRET_ACCESS_KEY`, `signingKey`);
 *  `public_key`, `cache_key`, `idempotency_key` are not. */
export const KEY_QUALIFIERS: readonly string[] = Object.freeze([
  'api', 'private', 'secret', 'access', 'client', 'signing', 'sign', 'encryption', 'decryption', 'master',
  'auth', 'license', 'hmac', 'webhook', 'shared', 'session', 'priv', 'app', 'ssh', 'gpg', 'pgp', 'root',
  'admin', 'write', 'service', 'account', 'jwt', 'subscription', 'consumer', 'cookie', 'crypto', 'sk',
]);

/** `key` after these names a lookup key, not key material (`cache_key`, `partition_key`,
 *  `idempotency_key`); after any other word it is decided by its value (looksLikeKeyMaterial). */
export const KEY_NEUTRAL_QUALIFIERS: readonly string[] = Object.freeze([
  'cache', 'idempotency', 'partition', 'sort', 'primary', 'foreign', 'unique', 'composite', 'routing', 'dedup', 'dedupe',
  'object', 'lookup', 'map', 'group', 'cursor', 'index', 'row', 'column', 'hash', 'translation', 'i18n', 'message',
  'public', 'react', 'list', 'item', 'storage_path', 'bucket', 's3', 'file', 'path', 'search', 'sequence', 'shard',
  'entity', 'resource', 'record', 'range', 'host', 'cluster', 'query', 'request', 'event', 'job', 'task', 'queue',
  // Stripe's `publishableKey` (`pk_live_…`) is public by design.
  'publishable',
]);

/** `code` is secret after these (`auth_code`, `device_code`, `recoveryCodes`); `statusCode`,
 *  `countryCode` are not; bare `code` is ambiguous (decided by its value and context). */
export const CODE_QUALIFIERS: readonly string[] = Object.freeze([
  'auth', 'authorization', 'authorized', 'device', 'user', 'otp', 'verification', 'verify', 'recovery',
  'backup', 'mfa', 'sms', 'email', 'access', 'onetime', 'reset', 'login', 'security', 'confirmation',
  'totp', 'twofa', 'oauth', 'activation', 'magic', 'pin',
]);

/** `state` is secret after these (`oauth_state`); bare `state` is ambiguous. */
export const STATE_QUALIFIERS: readonly string[] = Object.freeze(['oauth', 'pkce', 'auth', 'authorization', 'csrf', 'login', 'oidc', 'oauth2']);

/** Words after the secret word that still name the secret itself (`token_value`,
 *  `privateKeyPem`, `password_confirmation`, `id_token_hint`): skipped when finding what follows. */
export const WRAPPER_WORDS: readonly string[] = Object.freeze([
  'value', 'val', 'pem', 'der', 'b64', 'base64', 'base64url', 'raw', 'encoded', 'str', 'string', 'text',
  'plain', 'plaintext', 'cleartext', 'bytes', 'buf', 'buffer', 'hex', 'jwk', 'jwt', 'json', 'content',
  'hint', 'header', 'hdr', 'param', 'input', 'list', 'array', 'arr', 'obj', 'object', 'confirmation',
  'confirm', 'again', 'repeat', 'new', 'old', 'current', 'prev', 'previous', 'encrypted', 'data', 'blob',
  'material', 'hash', 'base', 'v1', 'v2', 'v3', 'key',
  // Security questions: `secret_answer`, `password_answer` are the secret itself.
  'answer',
]);

/** Words after the secret word that make the value metadata about it. */
export const META_WORDS: readonly string[] = Object.freeze([
  'type', 'kind', 'expiry', 'expires', 'expire', 'expired', 'expiration', 'exp', 'in', 'at', 'endpoint',
  'url', 'uri', 'path', 'filename', 'name', 'id', 'length', 'len', 'count', 'num', 'size', 'ttl', 'age',
  'lifetime', 'method', 'supported', 'format', 'time', 'timeout', 'policy', 'mode', 'status', 'error',
  'used', 'present', 'enabled', 'required', 'store', 'domain', 'option', 'opts', 'config', 'configured',
  'setting', 'secure', 'httponly', 'samesite', 'maxage', 'prefix', 'suffix', 'scope', 'audience', 'issuer',
  'alg', 'algorithm', 'location', 'fingerprint', 'label', 'description', 'source', 'provider', 'manager',
  'handler', 'changed', 'updated', 'created', 'strength', 'rule', 'min', 'max', 'regex', 'pattern',
  'field', 'version', 'total', 'interval', 'duration', 'delay', 'retry', 'attempt', 'limit', 'rate',
  'cache', 'ms', 'sec', 'second', 'validity', 'valid', 'invalid', 'ok', 'missing', 'mismatch', 'result',
  'outcome', 'reason', 'event', 'action', 'requested', 'revoked', 'issued', 'exchange', 'introspection',
  'revocation', 'storage', 'challenge', 'state', 'arn', 'ref', 'reset', 'rotation', 'rotated', 'refreshed',
  'hash_alg', 'encoding', 'algo', 'usage', 'count', 'is', 'has', 'request', 'response', 'client', 'service',
  'mgr', 'factory', 'provider', 'store', 'util', 'utils', 'helper', 'dir', 'folder', 'sent', 'received',
  'kid', 'jti', 'bound', 'binding', 'family', 'index', 'idx', 'tag', 'file', 'server', 'detail',
  'grant', 'flow', 'jkt', 'signed', 'parameter', 'param_name', 'header_name', 'cookie_name', 'claim', 'context',
]);

/** Words before the secret word that make it something else: pagination cursors and LLM token
 *  counts (`next_page_token`, `max_tokens`, `prompt_tokens`). */
export const NEUTRAL_QUALIFIERS: readonly string[] = Object.freeze([
  'page', 'next', 'continuation', 'cancellation', 'pagination', 'sync', 'cursor', 'max', 'min', 'num',
  'total', 'input', 'output', 'prompt', 'completion', 'cached', 'reasoning', 'remaining', 'used', 'limit',
  'count', 'public', 'design', 'csrf_header', 'has', 'is', 'no', 'use', 'with', 'missing', 'invalid',
]);

/** Words whose value, in text, runs to the end of the line (`Cookie: a=1; b=2`). */
export const LINE_WORDS: readonly string[] = Object.freeze(['authorization', 'cookie']);

/** `id` after these is secret (`session_id`, Vault's `secret_id`), elsewhere metadata. */
export const ID_SECRET_QUALIFIERS: readonly string[] = Object.freeze(['session', 'secret', 'sess']);

/** Keys holding an OIDC `claims` request parameter: its `id_token` / `userinfo` members are
 *  request structure, not tokens. */
export const CLAIMS_KEYS: readonly string[] = Object.freeze(['claims']);
export const CLAIMS_MEMBERS: readonly string[] = Object.freeze(['idtoken', 'userinfo']);

/** Singular form of a word when that form is in the vocabulary (`tokens` → `token`,
 *  `cookies` → `cookie`, `passes` → `pass`, `recoveryCodes` → `code`); else the word itself. */
export function singular(w: string, vocab: ReadonlySet<string>): string {
  const n = w.length;
  if (n < 3 || w.charCodeAt(n - 1) !== 115 /* s */) return w;
  const s1 = w.slice(0, -1);
  if (vocab.has(s1)) return s1;
  if (n > 3 && w.charCodeAt(n - 2) === 101 /* e */) {
    const s2 = w.slice(0, -2);
    if (vocab.has(s2)) return s2;
  }
  if (n > 4 && w.endsWith('ies')) {
    const s3 = w.slice(0, -3) + 'y';
    if (vocab.has(s3)) return s3;
  }
  // Run-together plurals (`refreshtokens`, `apikeys`): singular when the singular ends a known word.
  for (const suf of SECRET_WORD_SUFFIXES) if (s1.endsWith(suf)) return s1;
  return w;
}

/** Upper bound on the characters of a key that are classified (the end decides; constant time). */
export const MAX_KEY_CLASSIFIED = 128;
/** Upper bound on the words of a key that are classified. */
export const MAX_KEY_WORDS = 16;

/**
 * Splits a key into lower-case words: `refreshTokens` → refresh, tokens; `X_API_KEY` → x, api,
 * key; `user[password]` → user, password; `XMLHttpRequest` → xml, http, request. Only the last
 * MAX_KEY_CLASSIFIED characters and MAX_KEY_WORDS words are considered.
 */
export function splitWords(key: string, seps?: number[]): string[] {
  const n = key.length;
  const start = n > MAX_KEY_CLASSIFIED ? n - MAX_KEY_CLASSIFIED : 0;
  const out: string[] = [];
  // A word is key[a, i) (ASCII letters and digits only), lower-cased once when it has an upper-case
  // letter: one slice per word, not a string per character (keys in text may be all distinct).
  let a = -1;
  let upper = false;
  let prev = 0; // 1 lower/digit, 2 upper
  let sep = 0; // the separator character before the current word (0: a case boundary)
  for (let i = start; i < n; i++) {
    const c = key.charCodeAt(i);
    let boundary = false;
    if (c >= 65 && c <= 90) {
      // Upper: a boundary after a lower-case letter or digit, and before the last upper of a run
      // followed by a lower (`XMLHttp` → XML | Http).
      if (prev === 1) boundary = true;
      else if (prev === 2) {
        const d = key.charCodeAt(i + 1);
        if (d >= 97 && d <= 122) boundary = true;
      }
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
      if (a >= 0) {
        out.push(upper ? key.slice(a, i).toLowerCase() : key.slice(a, i));
        seps?.push(sep);
        sep = 0;
      }
      a = -1;
      upper = false;
      sep = c;
      prev = 0;
      continue;
    }
    if (boundary && a >= 0) {
      out.push(upper ? key.slice(a, i).toLowerCase() : key.slice(a, i));
      seps?.push(sep);
      sep = 0;
      a = -1;
      upper = false;
    }
    if (a < 0) a = i;
    if (c <= 90) {
      if (c >= 65) upper = true;
    }
    prev = c >= 65 && c <= 90 ? 2 : 1;
  }
  if (a >= 0) {
    out.push(upper ? key.slice(a, n).toLowerCase() : key.slice(a, n));
    seps?.push(sep);
  }
  if (out.length > MAX_KEY_WORDS) {
    seps?.splice(0, out.length - MAX_KEY_WORDS);
    return out.slice(out.length - MAX_KEY_WORDS);
  }
  return out;
}
