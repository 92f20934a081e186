import { OAuthTelemetryConfigError } from '../errors';
import { reportDrop } from './diag';
import { redactString } from '../redaction';

/**
 * Total readers and the module-boundary guard. A caller's value may be a Proxy whose every trap
 * throws, a revoked Proxy, or an object whose getters throw values that themselves throw when
 * inspected (`instanceof`, `.name`, `String()`, Symbol.toPrimitive). Nothing here inspects a
 * foreign value outside a try, so none of these can escape through oauth-otel.
 */

/** A short, safe description of a thrown value: its `name` when that is a plain word, else its type. */
export function describeThrown(err: unknown): string {
  try {
    if (err === null) return 'null';
    const t = typeof err;
    if (t !== 'object' && t !== 'function') return t;
    const name = (err as { name?: unknown }).name;
    return typeof name === 'string' && /^[A-Za-z][\w.]{0,39}$/.test(name) ? name : t;
  } catch {
    return 'unreadable';
  }
}

/** `o[key]`, or `fallback` when reading it throws (getter, Proxy trap, revoked Proxy). */
export function readProp(o: unknown, key: PropertyKey, fallback?: unknown): unknown {
  if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return fallback;
  try {
    return (o as Record<PropertyKey, unknown>)[key];
  } catch {
    return fallback;
  }
}

/** True when `err` is one of oauth-otel's own configuration errors (never throws). */
export function isConfigError(err: unknown): err is OAuthTelemetryConfigError {
  try {
    return err instanceof OAuthTelemetryConfigError;
  } catch {
    return false;
  }
}

/** Counts and reports (once per call name) a failure inside a public function that was skipped. */
export function internalFailure(call: string, err: unknown): void {
  reportDrop('metrics', 'invalid_value', `internal:${call}`, `${call}() failed internally and was skipped (${describeThrown(err)})`);
}

const guarded = new WeakSet<Function>();

/** True for functions produced by total() or configGuard(): the boundary test checks every export. */
export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && guarded.has(fn);
}

/**
 * Recording-call guard: `fn` never throws into the caller; a failure is counted and the call
 * returns `fallback`. `arguments` is forwarded with apply, which V8 does without allocating.
 */
export function total<F extends (...args: any[]) => any>(call: string, fn: F, fallback?: ReturnType<F>): F {
  const wrapped = function (this: unknown): unknown {
    try {
      // eslint-disable-next-line prefer-rest-params
      return fn.apply(this, arguments as unknown as Parameters<F>);
    } catch (err) {
      internalFailure(call, err);
      return fallback;
    }
  } as unknown as F;
  guarded.add(wrapped);
  return wrapped;
}

/**
 * Configuration-call guard: bad configuration still fails fast, but only ever as
 * OAuthTelemetryConfigError. Anything else thrown while reading the options (a throwing getter,
 * a revoked Proxy) becomes one, naming the call; a returned promise is treated the same way.
 */
export function configGuard<F extends (...args: any[]) => any>(call: string, fn: F): F {
  const wrapped = function (this: unknown): unknown {
    let result: unknown;
    try {
      // eslint-disable-next-line prefer-rest-params
      result = fn.apply(this, arguments as unknown as Parameters<F>);
    } catch (err) {
      throw asConfigError(call, err);
    }
    if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(asConfigError(call, err)));
    return result;
  } as unknown as F;
  guarded.add(wrapped);
  return wrapped;
}

function asConfigError(call: string, err: unknown): unknown {
  if (isConfigError(err)) return err;
  const message = errorMessage(err);
  return new OAuthTelemetryConfigError(
    `${call}(options)`,
    'plain, readable option values',
    message !== undefined ? `${describeThrown(err)}: ${message}` : `a value that threw ${describeThrown(err)} when read`,
    { cause: err },
  );
}

/** The message of a real Error, bounded and redacted; undefined when it cannot be read safely. */
function errorMessage(err: unknown): string | undefined {
  try {
    if (!(err instanceof Error)) return undefined;
    const m = err.message;
    return typeof m === 'string' ? redactString(m.length > 200 ? `${m.slice(0, 200)}…` : m) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Marks a function that is total by construction (its own work is guarded inside) but must let
 * the errors of a callback the caller gave it through, as the caller's own (continueOAuthFlow).
 */
export function selfGuarded<F extends (...args: any[]) => any>(fn: F): F {
  guarded.add(fn);
  return fn;
}

/** A copy of `m` with every function wrapped by total() under its own name (the API boundary). */
export function guardAll<T extends object>(m: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(m)) out[name] = typeof v === 'function' ? total(name, v as (...a: unknown[]) => unknown) : v;
  return out as T;
}
