/**
 * Redaction engine: `redact(value)` with the default policy, `createRedactor(options)` for others.
 *
 * Pure (the input is never mutated; unchanged plain objects and arrays are returned as the same
 * reference), total (never throws: failures inside become markers, and a failure of the engine
 * itself returns `[Unredactable]`, never the input), and cheap on clean records (see patterns.ts).
 *
 * Policy decisions (redaction.md sections 2-4):
 * - Keys: the section 2 list in any style (case, `-` `_` `.` dropped), `x-` prefixed, the last
 *   segment of dotted keys (`http.request.header.authorization`), and a reviewed suffix list
 *   (`githubAccessToken`, `dbPassword`). `null`, `undefined`, booleans and `''` under a secret key
 *   are kept (absence is useful); objects and arrays under a secret key become `[REDACTED]` whole.
 * - `code` / `state`: kept when safe-shaped (integers up to 5 digits, errno names such as
 *   `ECONNRESET`, upper snake codes, short lower-case words such as `invalid_grant` or `loading`);
 *   always secret inside URL queries, fragments and form bodies, and in objects that carry OAuth
 *   request/response keys (`redirect_uri`, `client_id`, `code_verifier`, `iss`, `error_description`).
 * - JWK `d` `p` `q` `dp` `dq` `qi` `k` `oth`: secret only next to `kty`.
 * - Text: any `eyJ…` base64url run is redacted (JWTs, but also base64 JSON states and cursors);
 *   `name: value` / `name=value` with a secret name is redacted even in prose ("token: expired");
 *   `Bearer|Basic|DPoP <word>` only when the word looks like a credential ("Basic auth" stays).
 *   A leading auth scheme is kept (`Bearer [REDACTED]`) so one token fingerprints the same way
 *   in a header, a JSON body and a URL.
 * - Kept: UUIDs and other ids under non-secret keys (correlation ids, not credentials), status
 *   codes, OAuth error codes, scopes, metadata URLs, dates, durations.
 * - Not detected: opaque tokens with no key or keyword next to them (`gho_…` alone in prose); add
 *   an `extraPatterns` entry for provider-specific prefixes.
 * - Output shapes: Errors and class instances become plain objects, Dates ISO strings, bigint
 *   decimal strings, binary `[Buffer n bytes]`; Maps and Sets stay Maps and Sets. Symbol-keyed
 *   properties are not walked, except winston's MESSAGE and SPLAT on a root info object.
 * - Limits: containers deeper than maxDepth become `[MaxDepth]`; strings longer than
 *   maxStringLength are scanned, then cut with `…[TRUNCATED n chars]`; entries past maxNodes
 *   become `[Truncated]` (arrays keep the walked prefix plus one marker).
 * - Out of scope: adversarial inputs that answer differently on a second read (stateful getters,
 *   proxies) may be read twice on the copy path; extra non-index properties of arrays are skipped.
 */
import { createFingerprinter } from './fingerprint';
import { createKeyTable } from './keys';
import { resolveOptions, type RedactionOptions } from './options';
import { createTextScanner } from './patterns';
import { MARKER_FAILED, MARKER_REDACTED, createWalker } from './walker';

export interface Redactor {
  /** Redacted copy of `value` (or `value` itself when nothing needed redaction). Never throws. */
  redact(value: unknown): unknown;
  /** Redacted form of one free-text string. Never throws. */
  redactString(s: string): string;
}

export function createRedactor(options?: RedactionOptions): Redactor {
  const o = resolveOptions(options);
  let mask: (secret: string) => string = () => MARKER_REDACTED;
  // One token often appears several times in a record (header, body, URL): fingerprint it once
  // per call. The memo holds secrets only for the duration of one call.
  const memo = new Map<string, string>();
  if (o.fingerprintKey !== undefined) {
    const fp = createFingerprinter(o.fingerprintKey, 'fingerprint.key');
    mask = (secret) => {
      let m = memo.get(secret);
      if (m === undefined) {
        m = `[REDACTED:${fp(secret)}]`;
        memo.set(secret, m);
      }
      return m;
    };
  }
  let scanner: ReturnType<typeof createTextScanner> | undefined;
  const keys = createKeyTable(o.extraKeys, o.allowKeys, (s) => scanner!.hasMarkers(s));
  scanner = createTextScanner({ classify: keys.classify, mask, extraPatterns: o.extraPatterns, maxStringLength: o.maxStringLength });
  const text = scanner;
  const walker = createWalker({ keys, text, maxDepth: o.maxDepth, maxNodes: o.maxNodes });
  const walk = o.fingerprintKey === undefined ? walker : (v: unknown): unknown => {
    try {
      return walker(v);
    } finally {
      memo.clear();
    }
  };
  return {
    redact: walk,
    redactString(s: string): string {
      try {
        return typeof s === 'string' ? text.scan(s) : String(walk(s));
      } catch {
        return MARKER_FAILED;
      } finally {
        memo.clear();
      }
    },
  };
}

const defaultRedactor = createRedactor();

/**
 * Redacts with the default policy. Typed as returning `T` for call-site convenience; non-plain
 * values are converted (Errors and class instances to plain objects, Dates to ISO strings,
 * binary to `[Buffer n bytes]`, bigint to a decimal string).
 */
export function redact<T>(value: T): T {
  return defaultRedactor.redact(value) as T;
}

/** Redacts one free-text string with the default policy. */
export function redactString(s: string): string {
  return defaultRedactor.redactString(s);
}

export { fingerprintSecret, FINGERPRINT_HEX_LENGTH, MIN_FINGERPRINT_KEY_BYTES, type FingerprintKey } from './fingerprint';
export {
  SECRET_KEYS, EXTRA_SECRET_KEYS, SCALAR_SECRET_KEYS, AMBIGUOUS_KEYS, LINE_HEADER_KEYS, JWK_PRIVATE_MEMBERS,
  SECRET_SUFFIXES, HARMLESS_KEYS, OAUTH_CONTEXT_KEYS, normalizeKey, isSafeAmbiguous,
} from './keys';
export { AUTH_SCHEMES, MARKERS } from './patterns';
export { DEFAULTS as REDACTION_DEFAULTS, type RedactionOptions } from './options';
export {
  MARKER_REDACTED, MARKER_CIRCULAR, MARKER_DEPTH, MARKER_TRUNCATED, MARKER_UNREADABLE, MARKER_FUNCTION, MARKER_FAILED, TRUNCATED_KEY,
} from './walker';
