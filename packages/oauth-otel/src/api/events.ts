import type { EventDefinition } from '../catalog/events';
import type { EventAttributeKey } from '../catalog/attributes';
import { LEVEL_SEVERITY_NUMBER, type OAuthEventLevel } from '../catalog/vocabularies';
import { runtime } from '../internal/runtime';
import { shared } from '../internal/registry';

export type { OAuthEventLevel, Priority } from '../catalog/vocabularies';

/** Attributes of an event: only catalog keys (catalog/attributes.ts); undefined values are omitted. */
export type EventAttributes = { [K in EventAttributeKey]?: string | number | boolean | undefined };

/** One OAuth event, produced by the recording API together with its metrics. */
export interface OAuthEvent {
  /** Flat event name (the `event` attribute). */
  readonly event: string;
  /** OTel EventName of the log record (dotted). */
  readonly eventName: string;
  readonly level: OAuthEventLevel;
  readonly message: string;
  /** Security events carry `severity`, `priority` and `security_rule.*` here. */
  readonly attributes: EventAttributes;
  /** An error that caused the event (redacted before it is written). */
  readonly error?: unknown;
}

export type OAuthEventSink = (event: OAuthEvent) => void;

interface EventState {
  /**
   * Receives every recorded OAuth event: set by the logs side when it starts (or by the
   * bring-your-own-SDK calls). `null` means logs are off: events are discarded, not buffered.
   */
  sink: OAuthEventSink | null | undefined;
  /** Events recorded before the logs side started (bounded). */
  readonly pending: OAuthEvent[];
  /** Severity number below which the sink writes nothing (0: the sink decides per event). */
  minSeverity: number;
}

const PRE_INIT_EVENTS = 1000;
const createState = (): EventState => ({ sink: undefined, pending: [], minSeverity: 0 });
const state = () => shared('events', createState);

/** Hands an event to the logs side, or keeps it (bounded) until the logs side starts. */
export function emitEvent(e: OAuthEvent): void {
  const s = state();
  const sink = s.sink;
  if (sink === null) return;
  if (sink !== undefined) {
    try {
      sink(e);
    } catch {
      runtime().countDrop('logs', 'invalid_value', 1);
    }
  } else if (s.pending.length < PRE_INIT_EVENTS) {
    s.pending.push(e);
  } else {
    runtime().countDrop('logs', 'pre_init_overflow', 1);
  }
}

/**
 * The event of catalog entry `def`: its names and message, at its level unless the call says
 * otherwise (an operation that went worse than usual).
 */
export function emit(def: EventDefinition, attributes: EventAttributes, level: OAuthEventLevel = def.level, error?: unknown): void {
  emitEvent(
    error === undefined
      ? { event: def.name, eventName: def.eventName, level, message: def.message, attributes }
      : { event: def.name, eventName: def.eventName, level, message: def.message, attributes, error },
  );
}

/**
 * True when events (at `level`, when given) would be kept: lets callers skip building attributes
 * nobody reads (a debug event at info is never built: no provider parse, no fingerprint).
 */
export function eventsWanted(level?: OAuthEventLevel): boolean {
  const s = state();
  if (s.sink === null) return false;
  if (s.sink === undefined) return s.pending.length < PRE_INIT_EVENTS;
  return level === undefined || LEVEL_SEVERITY_NUMBER[level] >= s.minSeverity;
}

/**
 * Installs the logs side's sink and flushes the events recorded before it existed. `null` turns
 * events off (logs disabled); `undefined` goes back to buffering. `minLevel`: the sink's own
 * level, so events below it are not even built.
 */
export function setEventSink(sink: OAuthEventSink | null | undefined, minLevel?: OAuthEventLevel | 'trace'): void {
  const s = state();
  s.sink = sink;
  s.minSeverity = sink && minLevel !== undefined ? (LEVEL_SEVERITY_NUMBER[minLevel] ?? 0) : 0;
  if (sink === null) s.pending.length = 0;
  if (!sink) return;
  const queued = s.pending.splice(0, s.pending.length);
  for (const e of queued) emitEvent(e);
}
