import { context, createContextKey, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, type OAuthSpanName } from '../catalog/spans';
import { tracer } from './tracer';

/**
 * Phase spans. A track* wrapper opens the phase's span around the operation, so the HTTP client
 * spans of the operation (and W3C trace context on its requests) are its children; the recording
 * call the wrapper makes inside then enriches that span instead of opening a second one. A
 * recording call made on its own (the app timed the step itself) becomes a span of its own, its
 * start time set back by the measured duration.
 */
interface Phase {
  readonly name: OAuthSpanName;
  readonly span: Span;
  recorded: boolean;
}
const PHASE = createContextKey('oauth-otel phase');

const INTERNAL = { kind: SpanKind.INTERNAL } as const;

/** Opens span `name` (child of `parent`, else of the active context) and runs `op` inside it. */
export function openPhase(name: OAuthSpanName, parent: Context | undefined, options: { links?: { context: import('@opentelemetry/api').SpanContext }[] } = {}): { ctx: Context; span: Span } | undefined {
  try {
    const base = parent ?? context.active();
    const span = tracer().startSpan(name, options.links ? { ...INTERNAL, links: options.links } : INTERNAL, base);
    const phase: Phase = { name, span, recorded: false };
    return { ctx: trace.setSpan(base, span).setValue(PHASE, phase), span };
  } catch {
    return undefined; // tracing must never break the operation it describes
  }
}

export async function inPhase<T>(name: OAuthSpanName, parent: Context | undefined, op: () => Promise<T>): Promise<T> {
  const p = openPhase(name, parent);
  if (p === undefined) return op();
  try {
    return await context.with(p.ctx, op);
  } finally {
    endQuietly(p.span);
  }
}

/**
 * The phase's outcome from a recording call: enriches the open phase span of the same name, or
 * records a span of its own covering the last `ms` milliseconds.
 */
export function recordPhase(name: OAuthSpanName, attrs: Attributes, ms: number | undefined, errorType: string | undefined, parent?: Context): void {
  const active = context.active();
  const ph = active.getValue(PHASE) as Phase | undefined;
  if (ph !== undefined && ph.name === name && !ph.recorded) {
    ph.recorded = true;
    finish(ph.span, attrs, errorType);
    return;
  }
  const end = Date.now();
  const span = tracer().startSpan(name, { ...INTERNAL, startTime: ms !== undefined ? end - ms : end }, parent ?? active);
  if (!span.isRecording()) return;
  finish(span, attrs, errorType);
  span.end(end);
}

/** Attributes and status; an error's text never goes on a span (it may carry a secret), only its class. */
export function finish(span: Span, attrs: Attributes, errorType: string | undefined): void {
  if (!span.isRecording()) return;
  span.setAttributes(attrs);
  if (errorType !== undefined) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/** A thrown error on the open phase span, as a class only (`error.type`), never its message. */
export function failActivePhase(errorType: string): void {
  const ph = context.active().getValue(PHASE) as Phase | undefined;
  if (ph === undefined || ph.recorded) return;
  finish(ph.span, {}, errorType);
}

/** An event (closed-vocabulary attributes only) on the active span, if it records. */
export function activeSpanEvent(name: string, attrs: Attributes): void {
  const span = trace.getActiveSpan();
  if (span !== undefined && span.isRecording()) span.addEvent(name, attrs);
}

export function endQuietly(span: Span): void {
  try {
    span.end();
  } catch {
    /* never throw */
  }
}
