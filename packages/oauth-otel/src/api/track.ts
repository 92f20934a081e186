import { tokenRefreshed } from './tokens';
import { clientRegistered, discoveryCompleted, scheduledRefreshCompleted } from './operations';
import { isNetworkError, oauthErrorCode } from './errors';
import { internalFailure, readProp } from '../internal/safe';
import type { DiscoveryMethod } from '../catalog/vocabularies';

/**
 * Awaited wrappers: they time the operation and record success or failure (with the thrown
 * error's OAuth code) so neither can be forgotten. Each settles with exactly the operation's
 * outcome: the same resolved value, or a rejection with the same reason (identity). Recording
 * reads the options and the error only through total readers, inside a guard of its own, so
 * nothing about them (throwing getters, hostile Proxies) can change that outcome.
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
  return tracked('trackTokenRefresh', operation, (ok, v, durationMs) => {
    if (ok) return tokenRefreshed({ outcome: 'success', reason: 'normal', durationMs, ...pick(options) });
    const error = safeCode(v);
    tokenRefreshed({
      outcome: 'failure',
      reason: error !== undefined ? 'endpoint_error' : safeIsNetwork(v) ? 'network_error' : 'exception',
      durationMs,
      ...(error !== undefined ? { error } : {}),
      ...pick(options),
    });
  });
}

export function trackDiscovery<T>(method: DiscoveryMethod, operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  return tracked('trackDiscovery', operation, (ok, v, durationMs) => {
    const error = ok ? undefined : safeCode(v);
    discoveryCompleted({ method, outcome: ok ? 'success' : 'failure', durationMs, ...(error ? { error } : {}), ...pick(options) });
  });
}

export function trackClientRegistration<T>(operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  return tracked('trackClientRegistration', operation, (ok, v, durationMs) => {
    const error = ok ? undefined : safeCode(v);
    clientRegistered({ outcome: ok ? 'success' : 'failure', durationMs, ...(error ? { error } : {}), ...pick(options) });
  });
}

/** The run returns its counts; a run that throws counts as a complete failure. */
export function trackScheduledRefresh<T extends { refreshed: number; failed: number; expiringSoon?: number }>(
  run: () => Promise<T>,
): Promise<T> {
  return tracked('trackScheduledRefresh', run, (ok, v, durationMs) => {
    scheduledRefreshCompleted(ok ? { ...pickCounts(v), durationMs } : { refreshed: 0, failed: 1, durationMs });
  });
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
