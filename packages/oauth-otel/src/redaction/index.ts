/**
 * Redaction engine: `redact(value)` with the default policy, `createRedactor(options)` for others.
 *
 * Pure (the input is never mutated; unchanged plain objects and arrays are returned as the same
 * reference), total (never throws: failures inside become markers, and a failure of the engine
 * itself returns `[Unredactable]`, never the input), and cheap on clean records (see patterns.ts).
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
  if (o.fingerprintKey !== undefined) {
    const fp = createFingerprinter(o.fingerprintKey, 'fingerprint.key');
    mask = (secret) => `[REDACTED:${fp(secret)}]`;
  }
  let scanner: ReturnType<typeof createTextScanner> | undefined;
  const keys = createKeyTable(o.extraKeys, o.allowKeys, (s) => scanner!.hasMarkers(s));
  scanner = createTextScanner({ classify: keys.classify, mask, extraPatterns: o.extraPatterns, maxStringLength: o.maxStringLength });
  const text = scanner;
  const walk = createWalker({ keys, text, maxDepth: o.maxDepth, maxNodes: o.maxNodes });
  return {
    redact: walk,
    redactString(s: string): string {
      try {
        return typeof s === 'string' ? text.scan(s) : String(walk(s));
      } catch {
        return MARKER_FAILED;
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
  SECRET_KEYS, EXTRA_SECRET_KEYS, AMBIGUOUS_KEYS, LINE_HEADER_KEYS, JWK_PRIVATE_MEMBERS,
  SECRET_SUFFIXES, HARMLESS_KEYS, OAUTH_CONTEXT_KEYS, normalizeKey, isSafeAmbiguous,
} from './keys';
export { AUTH_SCHEMES, MARKERS } from './patterns';
export { DEFAULTS as REDACTION_DEFAULTS, type RedactionOptions } from './options';
export {
  MARKER_REDACTED, MARKER_CIRCULAR, MARKER_DEPTH, MARKER_TRUNCATED, MARKER_UNREADABLE, MARKER_FUNCTION, MARKER_FAILED,
} from './walker';
