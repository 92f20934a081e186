/**
 * The logger's hot path: `logger.info(msg, meta)` builds winston's `info` from ONE redaction walk
 * of `meta` (the walk's fresh copy becomes the info object), instead of snapshot → winston's
 * Object.assign → the format's copy → the walk's copy → a second walk of the splat. The record is
 * what winston's `log()` would have built and the redaction format would have made of it:
 * same keys in the same order, same values, same `Symbol(splat)` contents (the redacted meta).
 *
 * Only the common shapes take it; anything else (format tokens, an Error or `message` / `stack` /
 * `cause` in meta, defaultMeta, a Proxy, a class instance, more than MAX_META_KEYS keys, a redactor
 * not made by createRedactor) returns undefined and takes the general path, which is unchanged.
 */
import { types } from 'node:util';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { isCleanJson, type Redactor } from '../redaction';

const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');

/** Top-level keys of one meta object; more goes to the general path (cut there and counted). */
export const MAX_META_KEYS = 1000;

/**
 * Marks an info object built here, already redacted: the redaction format passes it on as it is.
 * The mark is the object itself under a symbol, so it holds only for that object: a child
 * logger's write() (Object.assign into a new object with its own metadata) or a spread copies
 * the symbol, but the copy is not the object it points to, and gets redacted again. (A WeakSet
 * does the same at a GC cost: one ephemeron per record.)
 */
const PRE_REDACTED = Symbol('oauth-otel.pre-redacted');

export function isPreRedacted(info: object): boolean {
  return (info as Record<symbol, unknown>)[PRE_REDACTED] === info;
}

/** The OTel winston transport emits a record with the context it finds under this symbol. */
const OTEL_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');

/**
 * Context value on the records the hot path hands to OpenTelemetry: the redactor whose walk
 * built the record's body and attributes. The redacting processor skips a record marked with
 * its own redactor (a second walk would change nothing) and redacts everything else.
 */
export const PRE_REDACTED_BY = createContextKey('oauth-otel pre-redacted by');

/** Drops the pre-redacted mark from the OTel context of a record that is not pre-redacted. */
export function unmark(info: object): void {
  const rec = info as Record<symbol, unknown>;
  const ctx = rec[OTEL_CONTEXT] as Context | undefined;
  if (ctx !== undefined && typeof ctx.getValue === 'function' && ctx.getValue(PRE_REDACTED_BY) !== undefined) rec[OTEL_CONTEXT] = ctx.deleteValue(PRE_REDACTED_BY);
}

/** Longest message kept in the clean-message memo (as the walk's per-key memo). */
const MEMO_MAX = 256;

/**
 * One logger's hot path: its redactor and a memo of the last four messages the scan left
 * unchanged (a logger repeats a few constant messages; the general path's walk memoizes the
 * `message` field's clean values the same way, so this keeps that saving).
 */
export class FastInfo {
  private m0: string | undefined;
  private m1: string | undefined;
  private m2: string | undefined;
  private m3: string | undefined;
  private next = 0;
  private lastActive: Context | undefined;
  private lastMarked: Context | undefined;

  /** `markOtel`: mark the records for the OTel transport (only when no format runs after the
   *  redaction: a user format may add what the walk never saw). */
  constructor(
    private readonly redactor: Redactor,
    readonly markOtel = false,
  ) {}

  /** The active context with the pre-redacted mark; one per distinct active context in a row
   *  (outside a span the active context is always the same object: no allocation per record). */
  marked(): Context {
    const active = context.active();
    if (active !== this.lastActive || this.lastMarked === undefined) {
      this.lastMarked = active.setValue(PRE_REDACTED_BY, this.redactor);
      this.lastActive = active;
    }
    return this.lastMarked;
  }

  /** The redacted message: a memoized clean one as it is, else scanned. */
  message(msg: string): string {
    if (msg === this.m0 || msg === this.m1 || msg === this.m2 || msg === this.m3) return msg;
    const out = this.redactor.redactString(msg);
    if (out === msg && msg.length <= MEMO_MAX) {
      switch (this.next) {
        case 0: this.m0 = msg; break;
        case 1: this.m1 = msg; break;
        case 2: this.m2 = msg; break;
        default: this.m3 = msg;
      }
      this.next = (this.next + 1) & 3;
    }
    return out;
  }

  /**
   * winston's `info` for `logger[level](msg, meta)` / `logger.log(level, msg, meta)`, redacted,
   * or undefined when the call is not of a shape this path handles. Never throws (the walk is total).
   */
  build(level: string, msg: unknown, meta: unknown): Record<string | symbol, unknown> | undefined {
    return buildInfo(this, this.redactor, level, msg, meta);
  }

  /** winston's `info` for `logger[level](msg)` with a string message, redacted. */
  buildMessage(level: string, msg: string): Record<string | symbol, unknown> {
    const info: Record<string | symbol, unknown> = { message: this.message(msg), level, [LEVEL]: level };
    if (this.markOtel) info[OTEL_CONTEXT] = this.marked();
    info[PRE_REDACTED] = info;
    return info;
  }
}

/**
 * Whether this redactor may take the hot path: made by createRedactor (its walk returns fresh
 * copies, so the copy can be mutated into the info object) and treating a `message` field as
 * free text (so the message can be scanned alone, as redactString does). Answered once per logger.
 */
export function fastPathRedactor(redactor: Redactor): boolean {
  try {
    if (!isCleanJson(redactor, {})) return false;
    // A message field that the walk changes where the text scan does not: the key itself is
    // classified (extraKeys), so the message must be walked in place (general path).
    const probe = 'payment of 10 items for user u_1 at example.com';
    const walked = redactor.redact({ message: probe }) as { message?: unknown };
    return walked.message === probe && redactor.redactString(probe) === probe;
  } catch {
    return false;
  }
}

function buildInfo(fast: FastInfo, redactor: Redactor, level: string, msg: unknown, meta: unknown): Record<string | symbol, unknown> | undefined {
  // winston: with format tokens, meta is not merged (format.splat interpolates later).
  if (typeof msg !== 'string' || msg.indexOf('%') !== -1) return undefined;
  if (typeof meta !== 'object' || meta === null || types.isProxy(meta)) return undefined;
  const proto: unknown = Object.getPrototypeOf(meta);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // Keys winston treats specially (message concatenation, stack, cause) or the format turns into
  // exception.* fields. `in` reads no getter.
  if ('message' in meta || 'stack' in meta || 'cause' in meta || 'err' in meta || 'error' in meta) return undefined;
  // A polluted Object.prototype: the walk copies inherited keys as own ones, the stdout line
  // prints own keys only (format.ts jsonLine): the general path keeps them off the line.
  for (const _ in Object.prototype) return undefined;
  const red = redactor.redact(meta);
  if (typeof red !== 'object' || red === null || Array.isArray(red)) return undefined;
  const info = red as Record<string | symbol, unknown>;
  let n = 0;
  for (const k in info) {
    // Over the key cap (the general path cuts and counts it), or a key the walk rewrote: every
    // marker (`[REDACTED]`, `[Truncated]`, …) starts with `[`, and the general path writes a
    // renamed key's value back under its old name (as undefined: the field is left out).
    if (++n > MAX_META_KEYS || k.indexOf('[') !== -1) return undefined;
  }
  // Symbol(splat) holds the caller's meta, as winston's log() puts it there (the OTel transport
  // looks for an exception in it, format.splat merges it): here the redacted copy of it.
  const splatMeta = { ...info };
  info.level = level;
  info.message = fast.message(msg);
  info[LEVEL] = level;
  info[SPLAT] = [splatMeta];
  if (fast.markOtel) info[OTEL_CONTEXT] = fast.marked();
  info[PRE_REDACTED] = info;
  return info;
}

