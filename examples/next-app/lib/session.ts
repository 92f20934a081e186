/**
 * The demo user session: a signed cookie naming alice or bob (picked in the UI; the AS has its own
 * login). Not an authentication system: it only gives the OAuth client a user to bind flows to.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from './config';
import { store } from './store';

export const SESSION_COOKIE = 'demo_session';

export interface Session {
  user: string;
  /** Random per sign-in: the OAuth state is bound to it. */
  sid: string;
}

/** HMAC keys for the session cookie and the OAuth state, from SESSION_SECRET or random per process. */
export function keys(): { session: Buffer; state: Buffer } {
  const s = store();
  if (s.keys) return s.keys;
  const secret = process.env.SESSION_SECRET;
  if (secret !== undefined && secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  const ikm = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
  s.keys = { session: derive('oauth-otel example session cookie'), state: derive('oauth-otel example oauth state') };
  return s.keys;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function mac(payload: string): string {
  return createHmac('sha256', keys().session).update(payload).digest('base64url');
}

export function encodeSession(user: string): { value: string; session: Session } {
  const session = { user, sid: randomBytes(16).toString('base64url') };
  const payload = b64u(JSON.stringify({ u: session.user, s: session.sid }));
  return { value: `${payload}.${mac(payload)}`, session };
}

export function decodeSession(value: string | undefined): Session | undefined {
  if (!value) return undefined;
  const dot = value.indexOf('.');
  if (dot <= 0) return undefined;
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const o = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; s?: unknown };
    if (typeof o.u !== 'string' || typeof o.s !== 'string' || !(o.u in config().demoUsers)) return undefined;
    return { user: o.u, sid: o.s };
  } catch {
    return undefined;
  }
}

export function cookieOptions() {
  return {
    httpOnly: true,
    sameSite: 'lax' as const, // sent on the AS's top-level redirect back to the callback
    secure: config().appUrl.startsWith('https:'),
    path: '/',
    maxAge: 8 * 3600,
  };
}
