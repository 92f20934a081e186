import { emit, eventsWanted } from './events';
import { durationMs, errorCodes, flowRef, ident, metrics, outcomes, provider, recording, seconds } from './common';
import { Vocabulary } from '../metrics/labels';
import { shared } from '../internal/registry';
import { EVENTS } from '../catalog/events';
import type { ProviderLabel } from '../catalog/metrics';
import {
  ATTR_DURATION_MS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OAUTH_ERROR,
  ATTR_OAUTH_FLOW_ID,
  ATTR_OAUTH_GRANT_TYPE,
  ATTR_OAUTH_OUTCOME,
  ATTR_OAUTH_PROVIDER,
  ATTR_OAUTH_REASON,
  ATTR_OAUTH_REGISTRATION_ROUTE,
} from '../catalog/attributes';
import { flowTraceCompleted, flowTraceStarted } from '../traces/flows';
import { defined } from '../traces/tracer';
import {
  FLOW_FAILURE_REASON,
  GRANT_TYPE,
  REGISTRATION_ROUTE,
  type FlowFailureReason,
  type GrantType,
  type OAuthErrorCode,
  type Outcome,
  type RegistrationRoute,
} from '../catalog/vocabularies';

const failureReasons = new Vocabulary<FlowFailureReason>('reason', FLOW_FAILURE_REASON);
const registrationRoutes = new Vocabulary<RegistrationRoute>('route', REGISTRATION_ROUTE);
const grantTypes = new Vocabulary<GrantType>('grant_type', GRANT_TYPE);

/** Flows in progress: start time and provider by flow id, bounded and expiring (1 h). */
const FLOW_TTL_MS = 3600_000;
const FLOW_CAP = 10_000;
type FlowStart = { at: number; provider: ProviderLabel };
const createStarts = () => new Map<string, FlowStart>();
function starts(): Map<string, FlowStart> {
  return shared('flows', createStarts);
}

export interface FlowStartedInput {
  /** Issuer URL or provider name; normalized to a bounded label. */
  provider?: string;
  /** Your flow id (may be the OAuth state: it is fingerprinted, never logged raw). */
  flowId?: string;
  /** Epoch ms the flow started, when not now (e.g. measured in another process). */
  startedAt?: number;
}

export interface FlowCompletedInput {
  flowId?: string;
  /** Defaults to the provider given at flowStarted() for this flowId. */
  provider?: string;
  outcome: Outcome;
  /** Why the flow failed (failure only). */
  reason?: FlowFailureReason;
  /** OAuth `error` code from the callback or the token endpoint (failure only). */
  error?: OAuthErrorCode | string;
  /** End-to-end duration; defaults to now minus the matching flowStarted(). */
  durationMs?: number;
  /**
   * How the client got its client_id (MCP authorization 2026-07-28): counted in
   * `oauth_flow_registration_routes_total` when given. `manual` is a client_id a user entered.
   */
  registrationRoute?: RegistrationRoute;
}

/** An authorization flow started: `oauth_flows_started_total`, event `oauth_flow_initiated`. */
export const flowStarted = recording<FlowStartedInput>('flowStarted', (a) => {
  const p = provider(a.provider);
  const id = ident(a.flowId);
  const m = metrics();
  m.add('flowsStarted', 1, m.attrs('flowsStarted', p));
  if (id !== undefined) {
    const map = starts();
    if (map.size >= FLOW_CAP) sweep(map);
    if (map.size < FLOW_CAP) {
      const at = typeof a.startedAt === 'number' && Number.isFinite(a.startedAt) ? a.startedAt : Date.now();
      map.set(id, { at, provider: p });
    }
  }
  const ref = flowRef(id);
  flowTraceStarted(id, defined({ [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_FLOW_ID]: ref }));
  if (eventsWanted(EVENTS.flowInitiated.level)) emit(EVENTS.flowInitiated, { [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_FLOW_ID]: ref });
});

/**
 * An authorization flow ended (callback handled, tokens stored, or given up): the outcome in
 * `oauth_flows_total`, the end-to-end duration, and for failures the reason and OAuth error in
 * `oauth_flow_failures_total` (plus `oauth_token_endpoint_errors_total` for a failed exchange).
 */
export const flowCompleted = recording<FlowCompletedInput>('flowCompleted', (a) => {
  const id = ident(a.flowId);
  const start = id !== undefined ? starts().get(id) : undefined;
  if (id !== undefined) starts().delete(id);
  const p = a.provider !== undefined ? provider(a.provider) : (start?.provider ?? provider(undefined));
  const status = outcomes.normalize(a.outcome);
  let ms = durationMs(a.durationMs, 'flowCompleted');
  if (ms === undefined && start !== undefined) ms = durationMs(Math.max(0, Date.now() - start.at), 'flowCompleted');
  const m = metrics();
  m.add('flows', 1, m.attrs('flows', p, status));
  if (ms !== undefined) m.record('flowDuration', seconds(ms), m.attrs('flowDuration', p, status));
  let reason: FlowFailureReason | undefined;
  let error: OAuthErrorCode | undefined;
  if (status === 'failure') {
    reason = a.reason === undefined ? 'other' : failureReasons.normalize(a.reason);
    error = a.error === undefined ? 'none' : errorCodes.normalizeQuiet(a.error);
    m.add('flowFailures', 1, m.attrs('flowFailures', p, reason, error));
    if (reason === 'token_exchange_failed' && a.error !== undefined) {
      m.add('tokenEndpointErrors', 1, m.attrs('tokenEndpointErrors', p, 'authorization_code', error));
    }
  }
  const route = a.registrationRoute === undefined ? undefined : registrationRoutes.normalize(a.registrationRoute);
  if (route !== undefined) m.add('flowRegistrationRoutes', 1, m.attrs('flowRegistrationRoutes', p, route, status));
  flowTraceCompleted(
    id,
    defined({ [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_ERROR]: error }),
    status === 'failure' ? (error !== undefined && error !== 'none' ? error : (reason ?? 'other')) : undefined,
  );
  if (eventsWanted()) {
    emit(status === 'success' ? EVENTS.flowSuccess : EVENTS.flowFailure, {
      [ATTR_OAUTH_PROVIDER]: p,
      [ATTR_OAUTH_FLOW_ID]: flowRef(id),
      [ATTR_OAUTH_OUTCOME]: status,
      [ATTR_OAUTH_REASON]: reason,
      [ATTR_OAUTH_ERROR]: error,
      [ATTR_OAUTH_REGISTRATION_ROUTE]: route,
      [ATTR_DURATION_MS]: ms,
    });
  }
});

export interface TokenEndpointErrorInput {
  provider?: string;
  grantType: (typeof GRANT_TYPE)[number] | string;
  /** The `error` member of the token endpoint's JSON error response. */
  error?: OAuthErrorCode | string;
  /** HTTP status of the response (logged, not a label). */
  httpStatus?: number;
}

/**
 * A token endpoint answered non-2xx (any grant): `oauth_token_endpoint_errors_total`. Refresh and
 * code-exchange failures recorded with tokenRefreshed()/flowCompleted() already count here.
 */
export const tokenEndpointError = recording<TokenEndpointErrorInput>('tokenEndpointError', (a) => {
  const p = provider(a.provider);
  const g = grantTypes.normalize(a.grantType);
  const e = errorCodes.normalizeQuiet(a.error);
  const m = metrics();
  m.add('tokenEndpointErrors', 1, m.attrs('tokenEndpointErrors', p, g, e));
  if (eventsWanted()) {
    emit(EVENTS.tokenEndpointError, {
      [ATTR_OAUTH_PROVIDER]: p,
      [ATTR_OAUTH_GRANT_TYPE]: g,
      [ATTR_OAUTH_ERROR]: e,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: typeof a.httpStatus === 'number' && Number.isInteger(a.httpStatus) ? a.httpStatus : undefined,
    });
  }
});

function sweep(map: Map<string, FlowStart>): void {
  const cutoff = Date.now() - FLOW_TTL_MS;
  for (const [k, v] of map) if (v.at < cutoff) map.delete(k);
}
