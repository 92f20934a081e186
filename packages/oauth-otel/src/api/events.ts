import type { Severity } from '../vocabulary';
import { runtime } from '../internal/runtime';

/** Log level of an OAuth event; security events never go below `warn`. */
export type OAuthEventLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Priority of a security event, fixed by its severity. */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

export const PRIORITY: Readonly<Record<Severity, Priority>> = Object.freeze({
  critical: 'P0',
  high: 'P1',
  medium: 'P2',
  low: 'P3',
});

/** P0 at fatal, P1 at error, P2/P3 at warn: `LOG_LEVEL=warn` never hides a security event. */
export const SECURITY_LEVEL: Readonly<Record<Severity, OAuthEventLevel>> = Object.freeze({
  critical: 'fatal',
  high: 'error',
  medium: 'warn',
  low: 'warn',
});

export type EventAttributes = Record<string, string | number | boolean | undefined>;

/** One OAuth event, produced by the recording API together with its metrics. */
export interface OAuthEvent {
  readonly event: string;
  readonly level: OAuthEventLevel;
  readonly message: string;
  /** Security events only. */
  readonly severity?: Severity;
  /** `oauth.*` attributes and `duration_ms`; undefined values are omitted. */
  readonly attributes: EventAttributes;
  /** An error that caused the event (redacted before it is written). */
  readonly error?: unknown;
}

export type OAuthEventSink = (event: OAuthEvent) => void;

const PRE_INIT_EVENTS = 1000;

/** Hands an event to the logs side, or keeps it (bounded) until the logs side starts. */
export function emitEvent(e: OAuthEvent): void {
  const rt = runtime();
  const sink = rt.sink;
  const pending = rt.pendingEvents;
  if (sink === null) return;
  if (sink !== undefined) {
    try {
      sink(e);
    } catch {
      rt.countDrop('logs', 'invalid_value', 1);
    }
  } else if (pending.length < PRE_INIT_EVENTS) {
    pending.push(e);
  } else {
    rt.countDrop('logs', 'pre_init_overflow', 1);
  }
}

/** True when events would be kept: lets callers skip building attributes nobody reads. */
export function eventsWanted(): boolean {
  const rt = runtime();
  return rt.sink !== null && (rt.sink !== undefined || rt.pendingEvents.length < PRE_INIT_EVENTS);
}

/**
 * Installs the logs side's sink and flushes the events recorded before it existed. `null` turns
 * events off (logs disabled); `undefined` goes back to buffering.
 */
export function setEventSink(sink: OAuthEventSink | null | undefined): void {
  const rt = runtime();
  rt.sink = sink;
  if (sink === null) rt.pendingEvents.length = 0;
  if (!sink) return;
  const queued = rt.pendingEvents.splice(0, rt.pendingEvents.length);
  for (const e of queued) emitEvent(e);
}
