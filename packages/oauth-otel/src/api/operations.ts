import { emitEvent, eventsWanted } from './events';
import { internalError, args, count, durationMs, errorCodes, metrics, outcomes, provider, seconds } from './common';
import { Vocabulary } from '../metrics/labels';
import {
  DISCOVERY_METHOD,
  SCHEDULED_REFRESH_ERROR,
  type DiscoveryMethod,
  type OAuthErrorCode,
  type Outcome,
  type ScheduledRefreshError,
} from '../vocabulary';

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
export function discoveryCompleted(input: DiscoveryInput): void {
  try {
    const a = args<DiscoveryInput>(input, 'discoveryCompleted');
    const method = methods.normalize(a.method);
    const status = outcomes.normalize(a.outcome);
    const ms = durationMs(a.durationMs, 'discoveryCompleted');
    const m = metrics();
    m.add('discoveryAttempts', 1, m.attrs('discoveryAttempts', method, status));
    if (ms !== undefined) m.record('discoveryDuration', seconds(ms), m.attrs('discoveryDuration', method, status));
    if (eventsWanted()) {
      emitEvent({
        event: status === 'success' ? 'oauth_discovery_success' : 'oauth_discovery_failure',
        level: status === 'success' ? 'info' : 'warn',
        message: status === 'success' ? 'OAuth metadata discovered' : 'OAuth metadata discovery failed',
        attributes: {
          'oauth.provider': provider(a.provider),
          'oauth.discovery_method': method,
          'oauth.outcome': status,
          'oauth.error': status === 'failure' && a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined,
          duration_ms: ms,
        },
      });
    }
  } catch (err) {
    internalError('discoveryCompleted', err);
  }
}

export interface ClientRegistrationInput {
  outcome: Outcome;
  durationMs?: number;
  provider?: string;
  /** RFC 7591 error code (`invalid_redirect_uri`, `invalid_client_metadata`, …). */
  error?: OAuthErrorCode | string;
}

/** One RFC 7591 dynamic client registration: `oauth_client_registrations_total` and duration. */
export function clientRegistered(input: ClientRegistrationInput): void {
  try {
    const a = args<ClientRegistrationInput>(input, 'clientRegistered');
    const status = outcomes.normalize(a.outcome);
    const ms = durationMs(a.durationMs, 'clientRegistered');
    const m = metrics();
    m.add('clientRegistrations', 1, m.attrs('clientRegistrations', status));
    if (ms !== undefined) m.record('clientRegistrationDuration', seconds(ms), m.attrs('clientRegistrationDuration', status));
    if (eventsWanted()) {
      emitEvent({
        event: status === 'success' ? 'oauth_dynamic_registration_success' : 'oauth_dynamic_registration_failure',
        level: status === 'success' ? 'info' : 'warn',
        message: status === 'success' ? 'OAuth client registered' : 'OAuth client registration failed',
        attributes: {
          'oauth.provider': provider(a.provider),
          'oauth.outcome': status,
          'oauth.error': status === 'failure' && a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined,
          duration_ms: ms,
        },
      });
    }
  } catch (err) {
    internalError('clientRegistered', err);
  }
}

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
export function scheduledRefreshCompleted(input: ScheduledRefreshInput): void {
  try {
    const a = args<ScheduledRefreshInput>(input, 'scheduledRefreshCompleted');
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
    if (eventsWanted()) {
      emitEvent({
        event: 'scheduled_refresh_completed',
        level: status === 'success' ? 'info' : 'warn',
        message: 'Scheduled token refresh run completed',
        attributes: { 'oauth.outcome': status, 'oauth.reason': reason, 'oauth.refreshed': refreshed, 'oauth.failed': failed, duration_ms: ms },
      });
    }
  } catch (err) {
    internalError('scheduledRefreshCompleted', err);
  }
}

export interface ScheduledRefreshErrorInput {
  errorType: ScheduledRefreshError;
  provider?: string;
  error?: OAuthErrorCode | string;
}

/** One token failed inside a scheduled run: `oauth_scheduled_refresh_errors_total{error_type}`. */
export function scheduledRefreshError(input: ScheduledRefreshErrorInput): void {
  try {
    const a = args<ScheduledRefreshErrorInput>(input, 'scheduledRefreshError');
    const t = scheduledErrors.normalize(a.errorType);
    const m = metrics();
    m.add('scheduledRefreshErrors', 1, m.attrs('scheduledRefreshErrors', t));
    if (eventsWanted()) {
      emitEvent({
        event: 'scheduled_token_refresh_failed',
        level: 'warn',
        message: 'Scheduled refresh of a token failed',
        attributes: {
          'oauth.provider': provider(a.provider),
          'oauth.reason': t,
          'oauth.error': a.error !== undefined ? errorCodes.normalizeQuiet(a.error) : undefined,
        },
      });
    }
  } catch (err) {
    internalError('scheduledRefreshError', err);
  }
}
