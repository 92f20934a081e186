import { emit, eventsWanted } from './events';
import { count, durationMs, errorCodes, metrics, outcomes, provider, recording, seconds } from './common';
import { Vocabulary } from '../metrics/labels';
import { EVENTS } from '../catalog/events';
import {
  ATTR_DURATION_MS,
  ATTR_OAUTH_DISCOVERY_METHOD,
  ATTR_OAUTH_ERROR,
  ATTR_OAUTH_FAILED,
  ATTR_OAUTH_OUTCOME,
  ATTR_OAUTH_PROVIDER,
  ATTR_OAUTH_REASON,
  ATTR_OAUTH_REFRESHED,
} from '../catalog/attributes';
import { recordPhase } from '../traces/phase';
import { defined } from '../traces/tracer';
import { SPAN_OAUTH_DISCOVERY, SPAN_OAUTH_REGISTRATION, SPAN_OAUTH_SCHEDULED_REFRESH } from '../catalog/spans';
import {
  DISCOVERY_METHOD,
  SCHEDULED_REFRESH_ERROR,
  type DiscoveryMethod,
  type OAuthErrorCode,
  type Outcome,
  type ScheduledRefreshError,
} from '../catalog/vocabularies';

const methods = new Vocabulary<DiscoveryMethod>('method', DISCOVERY_METHOD);
const scheduledErrors = new Vocabulary<ScheduledRefreshError>('error_type', SCHEDULED_REFRESH_ERROR);

export interface DiscoveryInput {
  /** rfc9728 (protected-resource metadata), rfc8414 (AS metadata), www-authenticate, manual. */
  method: DiscoveryMethod;
  outcome: Outcome;
  durationMs?: number;
  provider?: string;
  error?: OAuthErrorCode | string;
}

/** One metadata discovery step: `oauth_discovery_attempts_total` and its duration. */
export const discoveryCompleted = recording<DiscoveryInput>('discoveryCompleted', (a) => {
  const method = methods.normalize(a.method);
  const status = outcomes.normalize(a.outcome);
  const ms = durationMs(a.durationMs, 'discoveryCompleted');
  const m = metrics();
  m.add('discoveryAttempts', 1, m.attrs('discoveryAttempts', method, status));
  if (ms !== undefined) m.record('discoveryDuration', seconds(ms), m.attrs('discoveryDuration', method, status));
  const p = provider(a.provider);
  const error = status === 'failure' && a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined;
  recordPhase(
    SPAN_OAUTH_DISCOVERY,
    defined({ [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_DISCOVERY_METHOD]: method, [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_ERROR]: error }),
    ms,
    status === 'failure' ? (error ?? 'other') : undefined,
  );
  if (eventsWanted()) {
    emit(status === 'success' ? EVENTS.discoverySuccess : EVENTS.discoveryFailure, {
      [ATTR_OAUTH_PROVIDER]: p,
      [ATTR_OAUTH_DISCOVERY_METHOD]: method,
      [ATTR_OAUTH_OUTCOME]: status,
      [ATTR_OAUTH_ERROR]: error,
      [ATTR_DURATION_MS]: ms,
    });
  }
});

export interface ClientRegistrationInput {
  outcome: Outcome;
  durationMs?: number;
  provider?: string;
  /** RFC 7591 error code (`invalid_redirect_uri`, `invalid_client_metadata`, …). */
  error?: OAuthErrorCode | string;
}

/** One RFC 7591 dynamic client registration: `oauth_client_registrations_total` and duration. */
export const clientRegistered = recording<ClientRegistrationInput>('clientRegistered', (a) => {
  const status = outcomes.normalize(a.outcome);
  const ms = durationMs(a.durationMs, 'clientRegistered');
  const m = metrics();
  m.add('clientRegistrations', 1, m.attrs('clientRegistrations', status));
  if (ms !== undefined) m.record('clientRegistrationDuration', seconds(ms), m.attrs('clientRegistrationDuration', status));
  const p = provider(a.provider);
  const error = status === 'failure' && a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined;
  recordPhase(
    SPAN_OAUTH_REGISTRATION,
    defined({ [ATTR_OAUTH_PROVIDER]: p, [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_ERROR]: error }),
    ms,
    status === 'failure' ? (error ?? 'other') : undefined,
  );
  if (eventsWanted()) {
    emit(status === 'success' ? EVENTS.registrationSuccess : EVENTS.registrationFailure, {
      [ATTR_OAUTH_PROVIDER]: p,
      [ATTR_OAUTH_OUTCOME]: status,
      [ATTR_OAUTH_ERROR]: error,
      [ATTR_DURATION_MS]: ms,
    });
  }
});

export interface ScheduledRefreshInput {
  /** Tokens refreshed in this run. */
  refreshed: number;
  /** Tokens whose refresh failed in this run. */
  failed: number;
  durationMs?: number;
  /** True number of tokens expiring soon (sets `oauth_tokens_expiring_soon` unless a source is set). */
  expiringSoon?: number;
}

/**
 * A scheduled refresh run finished: `oauth_scheduled_refresh_total{status,reason}` (reason
 * normal / partial_failure / complete_failure derived from the counts) and its duration.
 */
export const scheduledRefreshCompleted = recording<ScheduledRefreshInput>('scheduledRefreshCompleted', (a) => {
  const refreshed = count(a.refreshed ?? 0, 'scheduledRefreshCompleted');
  const failed = count(a.failed ?? 0, 'scheduledRefreshCompleted');
  const status = failed === 0 ? 'success' : 'failure';
  const reason = failed === 0 ? 'normal' : refreshed > 0 ? 'partial_failure' : 'complete_failure';
  const ms = durationMs(a.durationMs, 'scheduledRefreshCompleted');
  const m = metrics();
  m.add('scheduledRefresh', 1, m.attrs('scheduledRefresh', status, reason));
  if (ms !== undefined) m.record('scheduledRefreshDuration', seconds(ms), m.attrs('scheduledRefreshDuration', status));
  if (a.expiringSoon !== undefined) {
    const n = count(a.expiringSoon, 'scheduledRefreshCompleted');
    if (typeof a.expiringSoon === 'number' && n === a.expiringSoon) m.expiringSoonReported = n;
  }
  recordPhase(
    SPAN_OAUTH_SCHEDULED_REFRESH,
    { [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_REFRESHED]: refreshed, [ATTR_OAUTH_FAILED]: failed },
    ms,
    status === 'failure' ? reason : undefined,
  );
  if (eventsWanted()) {
    emit(
      EVENTS.scheduledRefreshCompleted,
      { [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_REFRESHED]: refreshed, [ATTR_OAUTH_FAILED]: failed, [ATTR_DURATION_MS]: ms },
      status === 'success' ? 'info' : 'warn',
    );
  }
});

export interface ScheduledRefreshErrorInput {
  errorType: ScheduledRefreshError;
  provider?: string;
  error?: OAuthErrorCode | string;
}

/** One token failed inside a scheduled run: `oauth_scheduled_refresh_errors_total{error_type}`. */
export const scheduledRefreshError = recording<ScheduledRefreshErrorInput>('scheduledRefreshError', (a) => {
  const t = scheduledErrors.normalize(a.errorType);
  const m = metrics();
  m.add('scheduledRefreshErrors', 1, m.attrs('scheduledRefreshErrors', t));
  if (eventsWanted()) {
    emit(EVENTS.scheduledRefreshFailed, {
      [ATTR_OAUTH_PROVIDER]: provider(a.provider),
      [ATTR_OAUTH_REASON]: t,
      [ATTR_OAUTH_ERROR]: a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined,
    });
  }
});
