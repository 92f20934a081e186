/**
 * The OAuth `state`: `<nonce>.<mac>`, where the MAC (HMAC-SHA256, server-side key) binds the
 * nonce to the user, the user's session, the server and the PKCE verifier of the flow. At the
 * callback the MAC tells a tampered state (`invalid_hash`) from an intact state that belongs to
 * another user or session (`user_mismatch`, code injection).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { keys } from './session';

export interface StateBinding {
  userId: string;
  sessionId: string;
  serverId: string;
  codeVerifier: string;
}

export function stateMac(nonce: string, b: StateBinding): string {
  return createHmac('sha256', keys().state)
    .update(['oauth-otel-example-state-v1', nonce, b.userId, b.sessionId, b.serverId, b.codeVerifier].join('\n'))
    .digest('base64url');
}

export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function newState(b: StateBinding, nonce: string = newNonce()): { nonce: string; state: string } {
  return { nonce, state: `${nonce}.${stateMac(nonce, b)}` };
}

export function parseState(value: string): { nonce: string; mac: string } | undefined {
  const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{1,128})$/.exec(value);
  return m ? { nonce: m[1]!, mac: m[2]! } : undefined;
}

export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
