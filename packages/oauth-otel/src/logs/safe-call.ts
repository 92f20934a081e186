import type { Logger } from 'winston';
import { reportDrop } from '../internal/diag';
import { readProp } from '../internal/safe';
import { MARKER_UNREADABLE, type Redactor } from '../redaction';
import { FastInfo, fastPathRedactor, MAX_META_KEYS } from './fast-info';
import { LEVEL_NAMES, LEVELS } from './levels';

/**
 * Makes a winston logger's call surface total. winston merges `meta` with Object.assign (and
 * reads `msg.message`) before any format runs, so a throwing getter or a Proxy whose `ownKeys`
 * throws would escape from `logger.warn(msg, meta)` before redaction could help. Each argument
 * is first snapshotted through total readers into a plain object; whatever still fails is
 * counted as a dropped log record instead of reaching the caller.
 *
 * With `redactor` (createLogger), the common calls `logger[level](msg, meta)`, `logger[level](msg)`
 * and `logger.log(level, msg, meta)` skip the snapshot and winston's merge: the info object is
 * the redaction walk's own copy of meta (fast-info.ts), handed to `write()` as winston's `log()`
 * would hand it. Every other call takes the snapshot path.
 */
export function hardenLoggerCalls(logger: Logger, redactor?: Redactor, markOtel = false): Logger {
  const target = logger as unknown as Record<string, unknown>;
  const fast = redactor !== undefined && fastPathRedactor(redactor) ? new FastInfo(redactor, markOtel) : undefined;
  for (const name of [...LEVEL_NAMES, 'log']) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    const isLog = name === 'log';
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      try {
        // `this` is the logger, a child of it (whose write() merges its metadata), or undefined
        // for a detached method (winston then uses the root logger).
        const self = (this ?? logger) as Logger & { defaultMeta?: unknown };
        // A level no transport writes: winston would drop the record after building it, so
        // nothing is snapshotted, walked or built for it.
        const level = isLog ? args[0] : name;
        if (typeof level === 'string' && Object.hasOwn(LEVELS, level) && typeof self.isLevelEnabled === 'function' && !self.isLevelEnabled(level)) return self;
        if (fast !== undefined) {
          if (!self.defaultMeta) {
            let info: object | undefined;
            if (isLog) {
              if (args.length === 3 && typeof args[0] === 'string' && Object.hasOwn(LEVELS, args[0])) info = fast.build(args[0], args[1], args[2]);
            } else if (args.length === 2) info = fast.build(name, args[0], args[1]);
            else if (args.length === 1 && typeof args[0] === 'string') info = fast.buildMessage(name, args[0]);
            if (info !== undefined) {
              self.write(info as never);
              return self;
            }
          }
        }
        for (let i = 0; i < args.length; i++) args[i] = snapshot(args[i]);
        if (name === 'log') knownLevel(args);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } catch {
        reportDrop('logs', 'invalid_value', 'logger-call', `logger.${name}() was given a value that could not be read; the record was dropped`);
        return this;
      }
    };
  }
  return logger;
}

const KNOWN_LEVELS = new Set<unknown>(LEVEL_NAMES);

/**
 * `log(level, …)` and `log({ level, … })` with a level winston does not know: winston prints
 * that level raw on stderr (`Unknown logger level: <value>`), bypassing redaction, so an
 * attacker-shaped level would leave the process unredacted. Such a record is logged at `info`.
 */
function knownLevel(args: unknown[]): void {
  const first = args[0];
  if (args.length === 1 && first !== null && typeof first === 'object') {
    const info = first as Record<string, unknown>;
    if (KNOWN_LEVELS.has(readProp(info, 'level'))) return;
    // A snapshot is our own copy; a readable Error passes uncopied and must not be mutated.
    if (Object.getPrototypeOf(info) === Object.prototype) info.level = 'info';
    else args[0] = { ...info, name: readProp(info, 'name'), message: readProp(info, 'message'), stack: readProp(info, 'stack'), level: 'info' };
  } else if (KNOWN_LEVELS.has(first)) {
    return;
  } else {
    args[0] = 'info';
  }
  reportDrop('logs', 'invalid_value', 'logger-level', 'logger.log() was given an unknown level; the record was logged at info');
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
