import { OTHER } from '../catalog/vocabularies';
import { reportDrop } from '../internal/diag';
import { createRedactor } from '../redaction';

/** Default-policy redactor: a provider input it would change carries a secret. */
const redactor = createRedactor();

/**
 * Maps any input onto a closed vocabulary. Known values pass through; anything else becomes
 * `other` (reported once per label, counted as `coerced_label`), so no caller can mint a series.
 */
export class Vocabulary<T extends string> {
  private readonly values: ReadonlySet<string>;
  private readonly fallback: T;

  constructor(
    readonly label: string,
    values: readonly T[],
    fallback?: T,
  ) {
    this.values = new Set(values);
    this.fallback = fallback ?? (values.includes(OTHER as T) ? (OTHER as T) : (values[0] as T));
  }

  has(value: unknown): value is T {
    return typeof value === 'string' && this.values.has(value);
  }

  normalize(value: unknown): T {
    if (typeof value === 'string' && this.values.has(value)) return value as T;
    reportDrop('metrics', 'coerced_label', `label:${this.label}`, `unknown ${this.label} value recorded as "${this.fallback}"`);
    return this.fallback;
  }

  /** Like normalize() but silent: for values that legitimately come from the outside (error codes). */
  normalizeQuiet(value: unknown): T {
    return typeof value === 'string' && this.values.has(value) ? (value as T) : this.fallback;
  }
}

export interface ProviderOptions {
  /** When set, only these provider names are kept; others become `other`. */
  allowList?: readonly string[];
  /** Distinct provider values kept before new ones become `other`. */
  cap: number;
}

const MAX_PROVIDER_LENGTH = 64;
/** Longest provider input looked at (issuer URLs are far shorter); longer ones are `other`, uncached. */
export const MAX_PROVIDER_INPUT = 2048;
/** Longest raw input kept as a memo key: the memo must never hold large caller strings. */
const MAX_MEMO_KEY = 256;

/**
 * `provider` label: the issuer host or a configured name, lower-cased, restricted to
 * `[a-z0-9._-]`, at most `cap` distinct values per process, then `other`.
 */
export class ProviderNormalizer {
  private readonly seen = new Set<string>();
  /** Raw input → label, so the hot path parses each URL once. Bounded like `seen`. */
  private readonly memo = new Map<string, string>();
  private readonly allow: ReadonlySet<string> | undefined;

  constructor(private readonly options: ProviderOptions) {
    this.allow = options.allowList ? new Set(options.allowList.map((p) => clean(p))) : undefined;
  }

  normalize(input: unknown): string {
    if (typeof input !== 'string') {
      if (input !== undefined) reportDrop('metrics', 'coerced_label', 'provider:type', 'provider must be a string; recorded as "other"');
      return input === undefined ? 'unknown' : OTHER;
    }
    if (input.length > MAX_PROVIDER_INPUT) {
      // Checked before any cache or regex: an oversized string is neither scanned nor kept.
      reportDrop('metrics', 'oversize', 'provider:oversize', `provider strings longer than ${MAX_PROVIDER_INPUT} characters are recorded as "other"`);
      return OTHER;
    }
    const hit = this.memo.get(input);
    if (hit !== undefined) return hit;
    const name = clean(input);
    // Not memoized: an input refused for carrying a secret (the memo must not hold it as a key).
    if (name === '') return OTHER;
    const label = this.classify(name);
    if (input.length <= MAX_MEMO_KEY && this.memo.size < this.options.cap * 4) this.memo.set(input, label);
    return label;
  }

  private classify(name: string): string {
    if (this.allow) return this.allow.has(name) ? name : OTHER;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.options.cap) {
      reportDrop('metrics', 'provider_cap', 'provider:cap', `more than ${this.options.cap} distinct providers; new ones are recorded as "other"`);
      return OTHER;
    }
    this.seen.add(name);
    return name;
  }
}

function clean(input: string): string {
  // Issuer URLs and provider names are short and low-entropy; anything token-shaped (a JWT, a
  // long random run) must not become a label value, not even truncated.
  if (input.length > MAX_PROVIDER_INPUT || /eyJ[\w-]{8,}|[A-Za-z0-9_\-+/=]{40,}/.test(input)) return '';
  // Free text with a credential in it (`Bearer+…`, `code=…`, a header line) would otherwise
  // become a slug that still holds the secret's bytes (found by the span leak gate).
  if (redactor.redactString(input) !== input) return '';
  let s = input.trim().toLowerCase();
  if (s.includes('://')) {
    try {
      s = new URL(s).hostname;
    } catch {
      return '';
    }
  }
  s = s.replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return s.length > MAX_PROVIDER_LENGTH ? '' : s;
}
