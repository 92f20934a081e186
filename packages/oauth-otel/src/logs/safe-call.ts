import type { Logger } from 'winston';
import { reportDrop } from '../internal/diag';
import { readProp } from '../internal/safe';
import { MARKER_UNREADABLE } from '../redaction';
import { LEVEL_NAMES } from './levels';

/** Top-level keys of one meta object copied before winston sees it; the redactor bounds the rest. */
const MAX_META_KEYS = 1000;

/**
 * Makes a winston logger's call surface total. winston merges `meta` with Object.assign (and
 * reads `msg.message`) before any format runs, so a throwing getter or a Proxy whose `ownKeys`
 * throws would escape from `logger.warn(msg, meta)` before redaction could help. Each argument
 * is first snapshotted through total readers into a plain object; whatever still fails is
 * counted as a dropped log record instead of reaching the caller.
 */
export function hardenLoggerCalls(logger: Logger): Logger {
  const target = logger as unknown as Record<string, unknown>;
  for (const name of [...LEVEL_NAMES, 'log']) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      try {
        for (let i = 0; i < args.length; i++) args[i] = snapshot(args[i]);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } catch {
        reportDrop('logs', 'invalid_value', 'logger-call', `logger.${name}() was given a value that could not be read; the record was dropped`);
        return this;
      }
    };
  }
  return logger;
}

/** Plain copy of one level of an object argument; other values (and Errors) pass unchanged. */
function snapshot(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (isReadableError(v)) return v;
  let keys: string[];
  try {
    keys = Object.keys(v);
  } catch {
    return { value: MARKER_UNREADABLE };
  }
  const out: Record<string, unknown> = {};
  const n = Math.min(keys.length, MAX_META_KEYS);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k === '__proto__') continue;
    out[k] = readProp(v, k, MARKER_UNREADABLE);
  }
  if (keys.length > n) reportDrop('logs', 'invalid_value', 'logger-meta-keys', `log metadata with more than ${MAX_META_KEYS} keys was cut`);
  return out;
}

/** A real Error whose `message` and `stack` can be read without throwing (winston reads both). */
function isReadableError(v: object): boolean {
  try {
    return v instanceof Error && typeof v.message === 'string' && (v.stack === undefined || typeof v.stack === 'string') && typeof v.name === 'string';
  } catch {
    return false;
  }
}
