import { emit, eventsWanted } from './events';
import { count, flowRef, ident, metrics, provider, recording } from './common';
import { recordSecurityEvent, type SecurityContext } from './security';
import { Vocabulary } from '../metrics/labels';
import { activeSpanEvent } from '../traces/phase';
import { SPAN_EVENT_STATE_VALIDATED } from '../catalog/spans';
import { EVENTS } from '../catalog/events';
import { ATTR_OAUTH_COUNT, ATTR_OAUTH_FLOW_ID, ATTR_OAUTH_OUTCOME, ATTR_OAUTH_PROVIDER, ATTR_OAUTH_REASON, ATTR_OAUTH_VIOLATION_TYPE } from '../catalog/attributes';
import {
  PKCE_CLEANUP_REASON,
  PKCE_VALIDATION_REASON,
  type PkceCleanupReason,
  type PkceValidationReason,
} from '../catalog/vocabularies';

const validationReasons = new Vocabulary<PkceValidationReason>('reason', PKCE_VALIDATION_REASON);
const cleanupReasons = new Vocabulary<PkceCleanupReason>('reason', PKCE_CLEANUP_REASON);
const DEFAULT_STATE_TTL_MS = 10 * 60_000;

export interface PkceStateCreatedInput {
  /** The state / flow id; tracked for the active-states gauge, logged only as a fingerprint. */
  flowId?: string;
  /** How long the state stays valid (default 10 min); it leaves the gauge when it expires. */
  ttlMs?: number;
  provider?: string;
}

/** A PKCE state was stored: `oauth_pkce_states_created_total`, `oauth_active_pkce_states` +1. */
export const pkceStateCreated = recording<PkceStateCreatedInput>('pkceStateCreated', (a) => {
  const m = metrics();
  m.add('pkceStatesCreated', 1, m.attrs('pkceStatesCreated'));
  const id = ident(a.flowId);
  const ttl = typeof a.ttlMs === 'number' && Number.isFinite(a.ttlMs) && a.ttlMs > 0 ? a.ttlMs : DEFAULT_STATE_TTL_MS;
  if (id !== undefined) m.pkceStates.set(id, Date.now() + ttl);
  if (eventsWanted(EVENTS.pkceStateCreated.level)) emit(EVENTS.pkceStateCreated, { [ATTR_OAUTH_PROVIDER]: provider(a.provider), [ATTR_OAUTH_FLOW_ID]: flowRef(id) });
});

export interface PkceStateValidatedInput extends SecurityContext {
  /** `valid` for success; any other reason is a failure. */
  reason: PkceValidationReason;
}

/**
 * The callback's state was checked: `oauth_pkce_validations_total{status,reason}`. Failures that
 * are attacks also raise their security event in the same call: `user_mismatch` → code injection
 * (P0, `pkce_state_user_mismatch`), `invalid_hash` → integrity (P1,
 * `pkce_state_integrity_violation`), `replayed` → PKCE replay (P1, `pkce_replay_detected`),
 * `expired` → `pkce_state_expired` (P3).
 */
export const pkceStateValidated = recording<PkceStateValidatedInput>('pkceStateValidated', (a) => {
  const reason = validationReasons.normalize(a.reason);
  const status = reason === 'valid' ? 'success' : 'failure';
  const m = metrics();
  m.add('pkceValidations', 1, m.attrs('pkceValidations', status, reason));
  const id = ident(a.flowId);
  // A consumed or dead state leaves the active gauge whatever the outcome.
  if (id !== undefined && reason !== 'not_found' && reason !== 'missing_state') m.pkceStates.delete(id);
  const ctx: SecurityContext = { ...a, reason };
  activeSpanEvent(SPAN_EVENT_STATE_VALIDATED, { [ATTR_OAUTH_OUTCOME]: status, [ATTR_OAUTH_REASON]: reason });
  switch (reason) {
    case 'user_mismatch':
      m.add('codeInjectionAttempts', 1, m.attrs('codeInjectionAttempts'));
      recordSecurityEvent(EVENTS.pkceStateUserMismatch, ctx);
      return;
    case 'invalid_hash':
      m.add('integrityViolations', 1, m.attrs('integrityViolations', 'hash_mismatch'));
      recordSecurityEvent(EVENTS.pkceStateIntegrityViolation, ctx, { [ATTR_OAUTH_VIOLATION_TYPE]: 'hash_mismatch' });
      return;
    case 'replayed':
      m.add('integrityViolations', 1, m.attrs('integrityViolations', 'state_reuse'));
      recordSecurityEvent(EVENTS.pkceReplayDetected, ctx, { [ATTR_OAUTH_VIOLATION_TYPE]: 'state_reuse' });
      return;
    case 'expired':
      recordSecurityEvent(EVENTS.pkceStateExpired, ctx);
      return;
    default:
      if (!eventsWanted()) return;
      emit(status === 'success' ? EVENTS.pkceValidationSuccess : EVENTS.pkceValidationFailure, {
        [ATTR_OAUTH_PROVIDER]: provider(a.provider),
        [ATTR_OAUTH_FLOW_ID]: flowRef(id),
        [ATTR_OAUTH_OUTCOME]: status,
        [ATTR_OAUTH_REASON]: reason,
      });
  }
});

export interface PkceStatesCleanedInput {
  reason: PkceCleanupReason;
  /** How many states were removed (default: the number of flowIds, else 1). */
  count?: number;
  /** The removed states, so the active gauge drops only those it had counted. */
  flowIds?: readonly string[];
}

/** PKCE states were removed by a cleanup job: `oauth_pkce_states_cleaned_total{reason}`. */
export const pkceStatesCleaned = recording<PkceStatesCleanedInput>('pkceStatesCleaned', (a) => {
  const reason = cleanupReasons.normalize(a.reason);
  const ids = Array.isArray(a.flowIds) ? a.flowIds.slice(0, 100_000) : [];
  const n = a.count === undefined && ids.length > 0 ? ids.length : count(a.count, 'pkceStatesCleaned');
  const m = metrics();
  if (n > 0) m.add('pkceStatesCleaned', n, m.attrs('pkceStatesCleaned', reason));
  for (const id of ids) {
    const k = ident(id);
    if (k !== undefined) m.pkceStates.delete(k);
  }
  if (eventsWanted(EVENTS.pkceCleanupCompleted.level)) emit(EVENTS.pkceCleanupCompleted, { [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_COUNT]: n });
});
