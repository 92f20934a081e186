/**
 * Attack and failure demos, one function per button (and per `scripts/attacks.mjs` argument).
 * Each runs the real client code path; the state attacks use a simulated attacker browser
 * (lib/attacker.ts) to obtain a genuine callback from the AS, which the victim's browser then
 * delivers to /api/oauth/callback.
 */
import { randomBytes } from 'node:crypto';
import { config } from './config';
import { obtainCallback } from './attacker';
import { FlowError, HttpError, ownedConnection, replayRotatedRefreshToken, startAuthorization } from './oauth';
import type { Session } from './session';
import { store, type ActionResult } from './store';

export const ATTACKS = ['refresh-replay', 'code-injection', 'tampered-state', 'expired-state', 'ownership', 'mix-up', 'pkce-downgrade'] as const;
export type AttackName = (typeof ATTACKS)[number];

export interface AttackOutcome {
  result: Omit<ActionResult, 'at'>;
  /** The callback URL the victim's browser is sent to (state attacks, mix-up). */
  callback?: URL;
  status?: number;
}

function otherUser(user: string): string {
  return Object.keys(config().demoUsers).find((u) => u !== user) ?? user;
}

function latestActive(session: Session) {
  return [...store().connections.values()]
    .filter((c) => c.userId === session.user && c.status === 'active' && c.refreshToken !== undefined)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

export async function runAttack(name: AttackName, session: Session): Promise<AttackOutcome> {
  switch (name) {
    case 'refresh-replay': {
      const conn = latestActive(session);
      if (!conn) return { result: { kind: 'warn', title: 'Connect first: this needs a connection with a refresh token' }, status: 409 };
      return { result: await replayRotatedRefreshToken(conn) };
    }
    case 'code-injection': {
      // The attacker starts a flow in their own session, signs in at the AS as themselves, and
      // makes the victim's browser deliver the resulting callback (RFC 9700 §4.5).
      const attacker = otherUser(session.user);
      const attackerSession: Session = { user: attacker, sid: `attacker-${randomBytes(8).toString('base64url')}` };
      const { authorizationUrl } = await startAuthorization(attackerSession, 'main');
      const callback = await obtainCallback(authorizationUrl, attacker);
      return { callback, result: { kind: 'info', title: `Delivering ${attacker}'s callback in ${session.user}'s browser…` } };
    }
    case 'tampered-state': {
      const { authorizationUrl } = await startAuthorization(session, 'main');
      const callback = await obtainCallback(authorizationUrl, session.user);
      const state = callback.searchParams.get('state') ?? '';
      // Flip the last character of the MAC: what an attacker editing the state in transit produces.
      const last = state.slice(-1);
      callback.searchParams.set('state', state.slice(0, -1) + (last === 'A' ? 'B' : 'A'));
      return { callback, result: { kind: 'info', title: 'Delivering a callback whose state was altered…' } };
    }
    case 'expired-state': {
      // A state that lives 1 ms: as if the user spent longer than PKCE_STATE_TTL_SECONDS at the AS.
      const { authorizationUrl } = await startAuthorization(session, 'main', { ttlMs: 1 });
      const callback = await obtainCallback(authorizationUrl, session.user);
      return { callback, result: { kind: 'info', title: 'Delivering a callback after its state expired…' } };
    }
    case 'ownership': {
      const victim = [...store().connections.values()].filter((c) => c.userId !== session.user).sort((a, b) => b.createdAt - a.createdAt)[0];
      if (!victim) {
        return { result: { kind: 'warn', title: `No connection of another user yet: connect as ${otherUser(session.user)} first, then come back as ${session.user}` }, status: 409 };
      }
      try {
        ownedConnection(session, victim.id, 'refresh');
      } catch (err) {
        if (err instanceof HttpError) return { result: err.result, status: err.status };
        throw err;
      }
      return { result: { kind: 'warn', title: 'Ownership check did not fire' }, status: 500 };
    }
    case 'mix-up': {
      const { authorizationUrl } = await startAuthorization(session, 'mixup');
      const callback = await obtainCallback(authorizationUrl, session.user);
      return { callback, result: { kind: 'info', title: 'Delivering the mix-up server\'s callback…' } };
    }
    case 'pkce-downgrade': {
      try {
        await startAuthorization(session, 'downgrade');
      } catch (err) {
        if (err instanceof FlowError) return { result: err.result, status: 400 };
        throw err;
      }
      return { result: { kind: 'warn', title: 'The downgrade server offered S256 after all' }, status: 500 };
    }
  }
}
