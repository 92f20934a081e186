/**
 * Redactor options and their validation. Configuration errors throw at creation, naming the
 * option; nothing configurable can make `redact()` throw later.
 */
import { OAuthTelemetryConfigError } from '../errors';
import type { FingerprintKey } from './fingerprint';

/** Redaction options: `createRedactor(options)`, `createLogger`, and `initTelemetry({ logs: {
 *  redaction } })` take this one type (`RedactionConfig` is its alias). */
export interface RedactionOptions {
  /** More secret key names (normalized like the built-in list: any case or style matches). */
  extraKeys?: readonly string[];
  /** More value patterns for free text. A match is replaced; with a capture group, only group 1. */
  extraPatterns?: readonly RegExp[];
  /** Keys never redacted because of their name (their string values are still scanned as text). */
  allowKeys?: readonly string[];
  /**
   * Keyed fingerprint `[REDACTED:<12 hex>]` instead of `[REDACTED]`; `false` or absent: plain
   * marker. `true` uses initTelemetry's fingerprint key (only there; elsewhere pass `{ key }`).
   */
  fingerprint?: { key: FingerprintKey } | boolean;
  /** Containers nested deeper than this become `[MaxDepth]`. Default 12. */
  maxDepth?: number;
  /** Strings longer than this are cut (after scanning) with a `…[TRUNCATED n chars]` marker. Default 262144. */
  maxStringLength?: number;
  /** Entries visited per call; entries past the budget become `[Truncated]`. Default 10000. */
  maxNodes?: number;
}

export interface ResolvedOptions {
  extraKeys: string[];
  extraPatterns: RegExp[];
  allowKeys: string[];
  fingerprintKey: FingerprintKey | undefined;
  maxDepth: number;
  maxStringLength: number;
  maxNodes: number;
}

export const DEFAULTS = Object.freeze({ maxDepth: 12, maxStringLength: 262_144, maxNodes: 10_000 });

const KNOWN = new Set(['extraKeys', 'extraPatterns', 'allowKeys', 'fingerprint', 'maxDepth', 'maxStringLength', 'maxNodes']);

/** A coded configuration error naming the option, the allowed values and (a short, redacted
 *  description of) what was given. */
const fail = (option: string, allowed: string, got?: unknown): never => {
  throw new OAuthTelemetryConfigError(`redaction.${option}`, allowed, describeValue(got));
};

/** What was given, without echoing it (an option value may be a secret, e.g. a key). */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  return `a ${typeof v}`;
}

function stringList(v: unknown, option: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail(option, 'an array of non-empty strings', v);
  for (const x of v) if (typeof x !== 'string' || x.length === 0) fail(option, 'an array of non-empty strings', x);
  return [...(v as string[])];
}

function int(v: unknown, option: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return fail(option, `an integer between ${min} and ${max}`, v);
  }
  return v;
}

export function resolveOptions(options: RedactionOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') fail('options', 'an object', options);
  for (const k of Object.keys(options)) if (!KNOWN.has(k)) throw new OAuthTelemetryConfigError(`redaction.${k}`, `one of the options ${[...KNOWN].join(', ')}`, 'an unknown option');
  const patterns = options.extraPatterns;
  if (patterns !== undefined) {
    if (!Array.isArray(patterns)) fail('extraPatterns', 'an array of RegExp', patterns);
    for (const re of patterns) if (!(re instanceof RegExp)) fail('extraPatterns', 'an array of RegExp', re);
  }
  let fingerprintKey: FingerprintKey | undefined;
  const fp = options.fingerprint;
  if (fp === true) fail('fingerprint', '{ key } outside initTelemetry (true takes its key from initTelemetry)', fp);
  if (fp !== undefined && fp !== false) {
    if (fp === null || typeof fp !== 'object' || !('key' in fp)) fail('fingerprint', '{ key } or false', fp);
    fingerprintKey = (fp as { key: FingerprintKey }).key;
  }
  return {
    extraKeys: stringList(options.extraKeys, 'extraKeys'),
    extraPatterns: patterns ? [...patterns] : [],
    allowKeys: stringList(options.allowKeys, 'allowKeys'),
    fingerprintKey,
    maxDepth: int(options.maxDepth, 'maxDepth', 1, 1000, DEFAULTS.maxDepth),
    maxStringLength: int(options.maxStringLength, 'maxStringLength', 64, 1 << 30, DEFAULTS.maxStringLength),
    maxNodes: int(options.maxNodes, 'maxNodes', 1, 1e9, DEFAULTS.maxNodes),
  };
}
