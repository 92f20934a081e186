/**
 * Redaction engine: `redact(value)` with the default policy, `createRedactor(options)` for others.
 *
 * Pure (the input is never mutated; plain objects and arrays always come back as fresh copies of
 * what the walk read, never the caller's objects), total (never throws: failures inside become markers, and a failure of the engine
 * itself returns `[Unredactable]`, never the input), and cheap on clean records (see patterns.ts).
 *
 * Policy (docs/logs.md, "Redaction"):
 * - Keys: classified by their words (words.ts, keys.ts): split, singularized, the last word after
 *   wrapper words decides; metadata words after it and pagination/count words before it keep the
 *   value. The reviewed exact lists below still apply. `null`, `undefined`, booleans and `''` under
 *   a secret key are kept; objects and arrays under a secret key become `[REDACTED]` whole.
 * - `code` / `state`: secret when qualified (`auth_code`, `oauth_state`); bare, kept when
 *   safe-shaped (small integers, errno names, upper snake codes, short lower-case words) outside
 *   URL queries, fragments, form bodies and objects with OAuth request/response keys.
 * - Bare `key`: secret when the value looks like key material. JWK `d` `p` `q` `dp` `dq` `qi` `k`
 *   `oth`: secret next to `kty`. OIDC `claims`: its `id_token` / `userinfo` members are walked.
 * - Values whatever the key (detectors.ts): JWT/JWE, whole PEM/PGP private key blocks, provider
 *   credentials by prefix (gitleaks' rule set); plus the text formats of patterns.ts.
 * - Output shapes: Errors and class instances become plain objects, Dates ISO strings, bigint
 *   decimal strings, binary `[Buffer n bytes]`; Maps and Sets stay Maps and Sets. Plain
 *   objects and arrays are rebuilt from the entries walked, so no toJSON, symbol key, subclass or
 *   extra property can print what the walk did not see (walker.ts, shapes.ts).
 * - Limits: containers deeper than maxDepth become `[MaxDepth]`; strings longer than
 *   maxStringLength are scanned, then cut with `…[TRUNCATED n chars]`; past maxNodes entries an
 *   object/Map/Set keeps the walked entries plus one `[Truncated]` entry, an array the walked
 *   prefix plus one marker. Every pass is linear in the input's size.
 * - Out of scope: adversarial inputs that answer differently on a second read (stateful getters,
 *   proxies) may be read twice on the copy path.
 */
import { createFingerprinter } from './fingerprint';
import { createKeyTable } from './keys';
import { resolveOptions, type RedactionOptions } from './options';
import { createTextScanner } from './patterns';
import { MARKER_FAILED, MARKER_REDACTED, createWalker } from './walker';

export interface Redactor {
  /** Redacted copy of `value` (primitives and clean plain Maps/Sets as they are; plain objects and
   *  arrays always as fresh copies). Never throws. */
  redact(value: unknown): unknown;
  /** Redacted form of one free-text string. Never throws. */
  redactString(s: string): string;
}

/** Redactors made here, with their walker's clean-JSON check (for the egress guard). */
const cleanJsonChecks = new WeakMap<Redactor, (data: unknown) => boolean>();

/**
 * Whether `redactor.redact(data)` would give back data equal to `data`, for JSON.parse output,
 * without building the copy. False when unsure, and for a redactor not made by createRedactor.
 * Internal (the egress guard's clean-line path); never throws.
 */
export function isCleanJson(redactor: Redactor, data: unknown): boolean {
  const check = cleanJsonChecks.get(redactor);
  return check !== undefined && check(data);
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
  scanner = createTextScanner({
    classify: keys.classifyName, mask, constantMask: o.fingerprintKey === undefined ? MARKER_REDACTED : undefined,
    extraPatterns: o.extraPatterns, maxStringLength: o.maxStringLength,
  });
  const text = scanner;
  const walker = createWalker({ keys, text, maxDepth: o.maxDepth, maxNodes: o.maxNodes });
  const walk = o.fingerprintKey === undefined ? walker : (v: unknown): unknown => {
    try {
      return walker(v);
    } finally {
      memo.clear();
    }
  };
  const cleanJson = o.fingerprintKey === undefined ? walker.isCleanJson : (data: unknown): boolean => {
    try {
      return walker.isCleanJson(data);
    } finally {
      memo.clear();
    }
  };
  const redactor: Redactor = {
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
  cleanJsonChecks.set(redactor, cleanJson);
  return redactor;
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
