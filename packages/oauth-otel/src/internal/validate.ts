import { OAuthTelemetryConfigError } from '../errors';

/** Describes a value for an error message without echoing long or secret-looking strings. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length <= 40 && /^[\w.:/@-]*$/.test(v) ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a ${typeof v}`;
}

/** Rejects keys that are not in `allowed`: a typo must not silently become a default. */
export function checkKeys(obj: object, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new OAuthTelemetryConfigError(path ? `${path}.${k}` : k, `one of the options ${allowed.join(', ')}`, 'an unknown option');
    }
  }
}

export function checkObject(v: unknown, path: string): asserts v is Record<string, unknown> | undefined {
  if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
    throw new OAuthTelemetryConfigError(path, 'an object', describe(v));
  }
}

export function optString(v: unknown, path: string, pattern?: RegExp, allowed = 'a non-empty string'): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || (pattern && !pattern.test(v))) throw new OAuthTelemetryConfigError(path, allowed, describe(v));
  return v;
}

export function optBool(v: unknown, path: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new OAuthTelemetryConfigError(path, 'true or false', describe(v));
  return v;
}

export function optInt(v: unknown, path: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new OAuthTelemetryConfigError(path, `an integer from ${min} to ${max}`, describe(v));
  }
  return v;
}

/** An integer from an environment variable, or undefined when unset/empty. */
export function envInt(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new OAuthTelemetryConfigError(name, `an integer from ${min} to ${max}`, describe(raw));
  return n;
}

/** `true`/`false` from the environment; anything else fails fast, naming the variable. */
export function envBool(name: string): boolean | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new OAuthTelemetryConfigError(name, 'true or false', describe(raw));
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) throw new OAuthTelemetryConfigError(path, `one of ${values.join(', ')}`, describe(v));
  return v as T;
}

export function optStringArray(v: unknown, path: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0)) {
    throw new OAuthTelemetryConfigError(path, 'an array of non-empty strings', describe(v));
  }
  return [...(v as string[])];
}

/**
 * A metrics bearer token: 16+ visible ASCII characters. Spaces, CR/LF or non-ASCII characters
 * can never arrive intact in an Authorization header (trimmed, latin1-decoded), so such a token
 * would lock every scraper out; it fails at init instead.
 */
export const METRICS_TOKEN_PATTERN = /^[\x21-\x7e]{16,}$/;
