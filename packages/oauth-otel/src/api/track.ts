import { tokenRefreshed } from './tokens';
import { clientRegistered, discoveryCompleted, scheduledRefreshCompleted } from './operations';
import { isNetworkError, oauthErrorCode } from './errors';
import { internalFailure, readProp } from '../internal/safe';
import type { DiscoveryMethod, RevocationReason } from '../catalog/vocabularies';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { failActivePhase, inPhase } from '../traces/phase';
import { flowContext, openCallback } from '../traces/flows';
import { flowRef, ident } from './common';
import { tokensRevoked } from './tokens';
import { reportDrop } from '../internal/diag';
import { runInFlow } from '../internal/flow-scope';
import {
  ATTR_ERROR_TYPE,
  SPAN_OAUTH_CODE_EXCHANGE,
  SPAN_OAUTH_DISCOVERY,
  SPAN_OAUTH_REGISTRATION,
  SPAN_OAUTH_REVOCATION,
  SPAN_OAUTH_SCHEDULED_REFRESH,
  SPAN_OAUTH_TOKEN_REFRESH,
} from '../catalog/spans';

/**
 * Awaited wrappers: they time the operation and record success or failure (with the thrown
 * error's OAuth code) so neither can be forgotten. Each settles with exactly the operation's
 * outcome: the same resolved value, or a rejection with the same reason (identity). Recording
 * reads the options and the error only through total readers, inside a guard of its own, so
 * nothing about them (throwing getters, hostile Proxies) can change that outcome. Each runs the
 * operation inside its phase span, so the HTTP client spans of the operation (and the W3C trace
 * context of its requests) belong to the flow's trace; the recording call made inside enriches it.
 */

const now = (): number => performance.now();

type Recorder<T> = (ok: boolean, valueOrError: unknown, durationMs: number) => void;

async function tracked<T>(call: string, operation: () => Promise<T>, record: Recorder<T>): Promise<T> {
  const start = now();
  let result: T;
  try {
    result = await operation();
  } catch (err) {
    settleRecord(call, record, false, err, start);
    throw err;
  }
  settleRecord(call, record, true, result, start);
  return result;
}

function settleRecord<T>(call: string, record: Recorder<T>, ok: boolean, v: unknown, start: number): void {
  try {
    record(ok, v, now() - start);
  } catch (err) {
    internalFailure(call, err);
  }
}

export function trackTokenRefresh<T>(operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  return inPhase(SPAN_OAUTH_TOKEN_REFRESH, undefined, () => tracked('trackTokenRefresh', operation, (ok, v, durationMs) => {
    if (ok) return tokenRefreshed({ outcome: 'success', reason: 'normal', durationMs, ...pick(options) });
    const error = safeCode(v);
    tokenRefreshed({
      outcome: 'failure',
      reason: error !== undefined ? 'endpoint_error' : safeIsNetwork(v) ? 'network_error' : 'exception',
      durationMs,
      ...(error !== undefined ? { error } : {}),
      ...pick(options),
    });
  }));
}

export function trackDiscovery<T>(method: DiscoveryMethod, operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  return inPhase(SPAN_OAUTH_DISCOVERY, undefined, () => tracked('trackDiscovery', operation, (ok, v, durationMs) => {
    const error = ok ? undefined : safeCode(v);
    discoveryCompleted({ method, outcome: ok ? 'success' : 'failure', durationMs, ...(error ? { error } : {}), ...pick(options) });
  }));
}

export function trackClientRegistration<T>(operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  return inPhase(SPAN_OAUTH_REGISTRATION, undefined, () => tracked('trackClientRegistration', operation, (ok, v, durationMs) => {
    const error = ok ? undefined : safeCode(v);
    clientRegistered({ outcome: ok ? 'success' : 'failure', durationMs, ...(error ? { error } : {}), ...pick(options) });
  }));
}

/** The run returns its counts; a run that throws counts as a complete failure. */
export function trackScheduledRefresh<T extends { refreshed: number; failed: number; expiringSoon?: number }>(
  run: () => Promise<T>,
): Promise<T> {
  return inPhase(SPAN_OAUTH_SCHEDULED_REFRESH, undefined, () => tracked('trackScheduledRefresh', run, (ok, v, durationMs) => {
    scheduledRefreshCompleted(ok ? { ...pickCounts(v), durationMs } : { refreshed: 0, failed: 1, durationMs });
  }));
}

/**
 * The authorization code exchange of flow `flowId`: its span is a child of the flow's callback
 * span (continueOAuthFlow) or of the flow's kept span, so the token request joins the flow's
 * trace. Metrics and events of the exchange are recorded by flowCompleted(); a thrown error marks
 * the span with its OAuth code.
 */
export function trackCodeExchange<T>(operation: () => Promise<T>, options: { flowId?: string } = {}): Promise<T> {
  let parent: ReturnType<typeof flowContext>;
  try {
    parent = exchangeParent(ident(readProp(options, 'flowId')));
  } catch {
    parent = undefined;
  }
  return inPhase(SPAN_OAUTH_CODE_EXCHANGE, parent, () =>
    tracked('trackCodeExchange', operation, (ok, v) => {
      if (!ok) failActivePhase(failureClass(v));
    }),
  );
}

/** Inside the flow's trace already (continueOAuthFlow): the active span; else the kept flow span. */
function exchangeParent(id: string | undefined) {
  const kept = flowContext(id);
  if (kept === undefined) return undefined;
  const active = trace.getSpanContext(context.active());
  return active !== undefined && active.traceId === trace.getSpanContext(kept)?.traceId ? undefined : kept;
}

/** A token revocation request (RFC 7009); on success records tokensRevoked({ reason, count }). */
export function trackRevocation<T>(
  operation: () => Promise<T>,
  options: { reason?: RevocationReason; count?: number; provider?: string } = {},
): Promise<T> {
  return inPhase(SPAN_OAUTH_REVOCATION, undefined, () =>
    tracked('trackRevocation', operation, (ok, v) => {
      if (!ok) return failActivePhase(failureClass(v));
      const reason = readProp(options, 'reason');
      const count = readProp(options, 'count');
      tokensRevoked({ reason: (typeof reason === 'string' ? reason : 'manual') as RevocationReason, ...(typeof count === 'number' ? { count } : {}), ...pick(options) });
    }),
  );
}

/**
 * The callback of flow `flowId`: runs `handler` inside the `oauth.callback` span, which continues
 * the flow's trace (child of its `oauth.flow` span, linked to the callback request's own span).
 * Record pkceStateValidated(), trackCodeExchange() and flowCompleted() inside it; with the traffic
 * observer on, the code exchange made inside it ends this flow by itself (its flow id, duration
 * and trace), so the callback records only what traffic cannot show.
 */
export function continueOAuthFlow<T>(flowId: string | undefined, handler: () => T): T {
  if (typeof handler !== 'function') {
    reportDrop('metrics', 'invalid_value', 'args:continueOAuthFlow', 'continueOAuthFlow() expects a handler function; nothing ran');
    return undefined as T;
  }
  let p: ReturnType<typeof openCallback>;
  let id: string | undefined;
  try {
    id = ident(flowId);
    p = openCallback(id, flowRef(id));
  } catch {
    p = undefined;
  }
  // The observer attributes the code exchange it sees in here to this flow.
  const inFlow = () => runInFlow(id, p?.ctx, handler);
  if (p === undefined) return inFlow();
  const span = p.span;
  let result: T;
  try {
    result = context.with(p.ctx, inFlow);
  } catch (err) {
    failQuietly(span, err);
    throw err;
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    return (result as unknown as Promise<unknown>).then(
      (v) => (span.end(), v),
      (err: unknown) => {
        failQuietly(span, err);
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

function failQuietly(span: Span, err: unknown): void {
  try {
    if (span.isRecording()) {
      span.setAttribute(ATTR_ERROR_TYPE, failureClass(err));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  } catch {
    /* never throw */
  }
}

/** A thrown error as a closed class: its OAuth error code, network_error or exception (never its text). */
function failureClass(err: unknown): string {
  return safeCode(err) ?? (safeIsNetwork(err) ? 'network_error' : 'exception');
}

function safeCode(err: unknown): ReturnType<typeof oauthErrorCode> {
  try {
    return oauthErrorCode(err);
  } catch {
    return undefined;
  }
}

function safeIsNetwork(err: unknown): boolean {
  try {
    return isNetworkError(err);
  } catch {
    return false;
  }
}

function pick(o: unknown): { provider?: string } {
  const p = readProp(o, 'provider');
  return typeof p === 'string' ? { provider: p } : {};
}

function pickCounts(r: unknown): { refreshed: number; failed: number; expiringSoon?: number } {
  const refreshed = readProp(r, 'refreshed');
  const failed = readProp(r, 'failed');
  const expiringSoon = readProp(r, 'expiringSoon');
  return {
    refreshed: typeof refreshed === 'number' ? refreshed : 0,
    failed: typeof failed === 'number' ? failed : 0,
    ...(typeof expiringSoon === 'number' ? { expiringSoon } : {}),
  };
}
