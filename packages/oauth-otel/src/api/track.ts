import { tokenRefreshed } from './tokens';
import { clientRegistered, discoveryCompleted, scheduledRefreshCompleted } from './operations';
import { isNetworkError, oauthErrorCode } from './errors';
import type { DiscoveryMethod } from '../catalog/vocabularies';

/**
 * Awaited wrappers: they time the operation and record success or failure (with the thrown
 * error's OAuth code) so neither can be forgotten. The operation's result or error is passed
 * through unchanged.
 */

const now = (): number => performance.now();

export async function trackTokenRefresh<T>(operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  const start = now();
  try {
    const result = await operation();
    tokenRefreshed({ outcome: 'success', reason: 'normal', durationMs: now() - start, ...pick(options) });
    return result;
  } catch (err) {
    const error = oauthErrorCode(err);
    tokenRefreshed({
      outcome: 'failure',
      reason: error !== undefined ? 'endpoint_error' : isNetworkError(err) ? 'network_error' : 'exception',
      durationMs: now() - start,
      ...(error !== undefined ? { error } : {}),
      ...pick(options),
    });
    throw err;
  }
}

export async function trackDiscovery<T>(method: DiscoveryMethod, operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  const start = now();
  try {
    const result = await operation();
    discoveryCompleted({ method, outcome: 'success', durationMs: now() - start, ...pick(options) });
    return result;
  } catch (err) {
    const error = oauthErrorCode(err);
    discoveryCompleted({ method, outcome: 'failure', durationMs: now() - start, ...(error ? { error } : {}), ...pick(options) });
    throw err;
  }
}

export async function trackClientRegistration<T>(operation: () => Promise<T>, options: { provider?: string } = {}): Promise<T> {
  const start = now();
  try {
    const result = await operation();
    clientRegistered({ outcome: 'success', durationMs: now() - start, ...pick(options) });
    return result;
  } catch (err) {
    const error = oauthErrorCode(err);
    clientRegistered({ outcome: 'failure', durationMs: now() - start, ...(error ? { error } : {}), ...pick(options) });
    throw err;
  }
}

/** The run returns its counts; a run that throws counts as a complete failure. */
export async function trackScheduledRefresh<T extends { refreshed: number; failed: number; expiringSoon?: number }>(
  run: () => Promise<T>,
): Promise<T> {
  const start = now();
  try {
    const result = await run();
    scheduledRefreshCompleted({ ...pickCounts(result), durationMs: now() - start });
    return result;
  } catch (err) {
    scheduledRefreshCompleted({ refreshed: 0, failed: 1, durationMs: now() - start });
    throw err;
  }
}

function pick(o: { provider?: string } | undefined): { provider?: string } {
  return o !== null && typeof o === 'object' && typeof o.provider === 'string' ? { provider: o.provider } : {};
}

function pickCounts(r: unknown): { refreshed: number; failed: number; expiringSoon?: number } {
  const o = (r ?? {}) as { refreshed?: unknown; failed?: unknown; expiringSoon?: unknown };
  return {
    refreshed: typeof o.refreshed === 'number' ? o.refreshed : 0,
    failed: typeof o.failed === 'number' ? o.failed : 0,
    ...(typeof o.expiringSoon === 'number' ? { expiringSoon: o.expiringSoon } : {}),
  };
}
