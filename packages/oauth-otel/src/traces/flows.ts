import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { ATTR_OAUTH_FLOW_ID } from '../catalog/attributes';
import { ATTR_ERROR_TYPE, ATTR_OAUTH_FLOW_ABANDONED, ATTR_OAUTH_FLOW_CONTINUED, SPAN_OAUTH_AUTHORIZE, SPAN_OAUTH_CALLBACK, SPAN_OAUTH_FLOW } from '../catalog/spans';
import { endQuietly, openPhase } from './phase';
import { traceState, tracer, type FlowTrace } from './tracer';

/**
 * One trace per flow across the browser redirect. flowStarted() opens the `oauth.flow` span (child
 * of the login request's span when there is one) and keeps its context by flow id; the callback
 * continues it with continueOAuthFlow(), whose span is the flow span's child and links the callback
 * request's own span (the browser carries no trace context across the redirect). The map is
 * bounded and expiring; a flow evicted unfinished ends its span marked abandoned. Keys are the
 * caller's flow ids (possibly the OAuth state): they stay in memory, never in telemetry.
 */
const FLOW_TTL_MS = 3600_000;
const FLOW_CAP = 10_000;
const INTERNAL = { kind: SpanKind.INTERNAL } as const;

function abandon(f: FlowTrace): void {
  if (f.span.isRecording()) f.span.setAttribute(ATTR_OAUTH_FLOW_ABANDONED, true);
  endQuietly(f.span);
}

/** Ends expired flows, oldest first (Map order is start order), then the oldest while over the cap: O(1) amortized. */
function prune(map: Map<string, FlowTrace>, now: number): void {
  for (const [k, v] of map) {
    if (v.at > now - FLOW_TTL_MS && map.size < FLOW_CAP) break;
    map.delete(k);
    abandon(v);
  }
}

export function flowTraceStarted(id: string | undefined, attrs: Attributes): void {
  const base = context.active();
  const t = tracer();
  const span = t.startSpan(SPAN_OAUTH_FLOW, { ...INTERNAL, attributes: attrs }, base);
  const ctx = trace.setSpan(base, span);
  t.startSpan(SPAN_OAUTH_AUTHORIZE, { ...INTERNAL, attributes: attrs }, ctx).end();
  if (id === undefined || !isSpanContextValid(span.spanContext())) {
    endQuietly(span); // nothing can continue it
    return;
  }
  const map = traceState().flows;
  const now = Date.now();
  prune(map, now);
  const old = map.get(id);
  if (old !== undefined) {
    map.delete(id);
    abandon(old);
  }
  map.set(id, { span, ctx, at: now });
}

/** The flow's context (to parent the code exchange), if it is still kept. */
export function flowContext(id: string | undefined): Context | undefined {
  return id === undefined ? undefined : traceState().flows.get(id)?.ctx;
}

/** Ends the flow span with its outcome. */
export function flowTraceCompleted(id: string | undefined, attrs: Attributes, errorType: string | undefined): void {
  if (id === undefined) return;
  const map = traceState().flows;
  const f = map.get(id);
  if (f === undefined) return;
  map.delete(id);
  if (f.span.isRecording()) {
    f.span.setAttributes(attrs);
    if (errorType !== undefined) {
      f.span.setAttribute(ATTR_ERROR_TYPE, errorType);
      f.span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  endQuietly(f.span);
}

/**
 * Opens the callback span of flow `id`: the flow span's child when its context is kept here, else
 * a child of the active context; linked to the active (callback request) span either way.
 */
export function openCallback(id: string | undefined, flowAttr: string | undefined) {
  const active = context.active();
  const sc = trace.getSpanContext(active);
  const kept = flowContext(id);
  const p = openPhase(SPAN_OAUTH_CALLBACK, kept ?? active, sc !== undefined && isSpanContextValid(sc) && kept !== undefined ? { links: [{ context: sc }] } : {});
  if (p !== undefined && p.span.isRecording()) {
    p.span.setAttribute(ATTR_OAUTH_FLOW_CONTINUED, kept !== undefined);
    if (flowAttr !== undefined) p.span.setAttribute(ATTR_OAUTH_FLOW_ID, flowAttr);
  }
  return p;
}

/** At shutdown: ends every kept flow span (marked abandoned) so it is exported, not lost. */
export function endAllFlows(): void {
  const map = traceState().flows;
  for (const f of map.values()) abandon(f);
  map.clear();
}
