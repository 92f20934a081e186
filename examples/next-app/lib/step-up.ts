/**
 * Step-up authorization (RFC 6750 §3.1, MCP authorization): a call to a scoped path of the MCP
 * server that may answer 403 `insufficient_scope` with the scopes it needs. The observer counts
 * each challenge (oauth_step_up_challenges_total) and records the loop past its retry limit
 * (oauth_step_up_loop); this module only reads the answer for the client's own decision.
 */
import * as oauth from 'oauth4webapi';
import { oauthTraceHeaders } from 'oauth-otel';

/** Re-authorizations the client makes for one step-up: the observer's retry limit too (STEP_UP_RETRY_LIMIT). */
export const STEP_UP_RETRIES = 3;

/** The scoped paths of the example MCP server the demo calls (examples/auth-server `scopedPaths`). */
export const STEP_UP_PATHS = ['write', 'admin'] as const;
export type StepUpPath = (typeof STEP_UP_PATHS)[number];

export type ScopedCall =
  | { kind: 'ok'; status: number }
  | { kind: 'insufficient_scope'; scope: string }
  | { kind: 'failed'; status?: number; error?: string };

export function scopedUrl(resource: string, path: StepUpPath): URL {
  const u = new URL(resource);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/${path}`;
  return u;
}

export async function callScoped(accessToken: string, url: URL, timeoutMs: number): Promise<ScopedCall> {
  try {
    const response = await oauth.protectedResourceRequest(accessToken, 'GET', url, new Headers(oauthTraceHeaders()), undefined, {
      signal: () => AbortSignal.timeout(timeoutMs),
      ...(url.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true as const } : {}),
    });
    await response.body?.cancel();
    return response.ok ? { kind: 'ok', status: response.status } : { kind: 'failed', status: response.status };
  } catch (err) {
    if ((err as { code?: unknown }).code !== oauth.WWW_AUTHENTICATE_CHALLENGE) return { kind: 'failed' };
    const e = err as oauth.WWWAuthenticateChallengeError;
    const bearer = e.cause.find((c) => c.scheme === 'bearer');
    const error = bearer?.parameters.error;
    // The challenge's scope is what to request next: the AS's example sends held ∪ needed.
    if (e.response.status === 403 && error === 'insufficient_scope' && bearer?.parameters.scope) return { kind: 'insufficient_scope', scope: bearer.parameters.scope };
    return { kind: 'failed', status: e.response.status, ...(error ? { error } : {}) };
  }
}

/** Union of two space-separated scope strings, in first-seen order. */
export function scopeUnion(a: string, b: string): string {
  return [...new Set(`${a} ${b}`.split(' ').filter(Boolean))].join(' ');
}
