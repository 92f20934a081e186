/**
 * Background jobs, started once per process from instrumentation.ts (a different module graph
 * from the route handlers: state is shared through lib/store.ts's globalThis anchor, and oauth-otel
 * is one external module instance):
 *
 * - scheduled refresh of tokens about to expire (`oauth_scheduled_refresh_*`,
 *   `oauth_tokens_expiring_soon`), also run by a button;
 * - cleanup of expired PKCE states (`oauth_pkce_states_cleaned_total{reason="expired"}`).
 *
 * The token gauges read the store through setGaugeSource(); the PKCE gauge follows
 * pkceStateCreated() / pkceStateValidated() / pkceStatesCleaned().
 */
import { flowCompleted, pkceStatesCleaned, scheduledRefreshError, setGaugeSource, trackScheduledRefresh } from 'oauth-otel';
import { config } from './config';
import { refreshConnection } from './oauth';
import { store, type ScheduledRunSummary } from './store';

function activeConnections() {
  return [...store().connections.values()].filter((c) => c.status === 'active' && c.accessToken !== undefined);
}

export function countActiveTokens(now = Date.now()): number {
  return activeConnections().filter((c) => c.expiresAt > now).length;
}

export function countExpiringSoon(now = Date.now()): number {
  const ahead = config().refreshAheadMs;
  return activeConnections().filter((c) => c.expiresAt > now && c.expiresAt - now <= ahead).length;
}

/**
 * One run: refreshes every active token expiring within REFRESH_AHEAD_SECONDS (all of them with
 * `force`, the "run now" button). Runs never overlap: a second call joins the running one.
 */
export function runScheduledRefresh(trigger: ScheduledRunSummary['trigger'], force = false): Promise<ScheduledRunSummary> {
  const s = store();
  if (s.scheduledRun) return s.scheduledRun;
  const started = performance.now();
  const run = trackScheduledRefresh(async () => {
    const now = Date.now();
    const ahead = config().refreshAheadMs;
    const due = activeConnections().filter((c) => c.refreshToken !== undefined && (force || c.expiresAt - now <= ahead));
    let refreshed = 0;
    let failed = 0;
    for (const conn of due) {
      const out = await refreshConnection(conn);
      if (out.ok) {
        refreshed += 1;
      } else {
        failed += 1;
        scheduledRefreshError({ errorType: out.errorType ?? 'exception', provider: conn.issuer, ...(out.error ? { error: out.error } : {}) });
      }
    }
    return { refreshed, failed, expiringSoon: countExpiringSoon() };
  })
    .then((r) => {
      const summary: ScheduledRunSummary = { at: Date.now(), ...r, durationMs: Math.round(performance.now() - started), trigger };
      s.lastScheduledRun = summary;
      return summary;
    })
    .finally(() => {
      s.scheduledRun = undefined;
    });
  s.scheduledRun = run;
  return run;
}

/**
 * Removes expired PKCE states. An abandoned flow (the user never came back from the AS) ends
 * here as a `state_expired` failure; a state the callback already rejected as expired was counted
 * then.
 */
export function cleanupExpiredStates(): { removed: number } {
  const s = store();
  const now = Date.now();
  const removed: string[] = [];
  for (const [nonce, rec] of s.pending) {
    if (rec.expiresAt > now) continue;
    s.pending.delete(nonce);
    s.expired.set(nonce, { at: now, issuer: rec.issuer });
    removed.push(nonce);
    if (!rec.rejected) flowCompleted({ flowId: nonce, outcome: 'failure', reason: 'state_expired' });
  }
  if (removed.length > 0) pkceStatesCleaned({ reason: 'expired', flowIds: removed });
  // Memory of used and expired states (replay / late-callback detection): twice the state
  // lifetime, bounded.
  const keep = now - 2 * config().stateTtlMs;
  for (const [nonce, at] of s.consumed) if (at < keep || s.consumed.size > 10_000) s.consumed.delete(nonce);
  for (const [nonce, e] of s.expired) if (e.at < keep || s.expired.size > 10_000) s.expired.delete(nonce);
  s.lastCleanup = { at: now, removed: removed.length };
  return { removed: removed.length };
}

/** Starts the jobs and the gauge sources once per process (idempotent across module graphs). */
export function startBackgroundJobs(): void {
  const s = store();
  if (s.jobsStarted) return;
  s.jobsStarted = true;
  setGaugeSource('activeTokens', () => countActiveTokens());
  setGaugeSource('tokensExpiringSoon', () => countExpiringSoon());
  const { scheduledRefreshIntervalMs, stateCleanupIntervalMs } = config();
  setInterval(() => {
    runScheduledRefresh('interval').catch(() => undefined);
  }, scheduledRefreshIntervalMs).unref();
  setInterval(() => {
    try {
      cleanupExpiredStates();
    } catch {
      /* never let a job kill the server */
    }
  }, stateCleanupIntervalMs).unref();
}
