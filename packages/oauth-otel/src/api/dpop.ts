/**
 * Sender-constrained tokens (DPoP, RFC 9449): one recording call for every rejected DPoP request,
 * whichever end rejected it. The oidc-provider adapter calls it for the token and userinfo
 * endpoints; a resource server calls it after its own proof check (the package verifies no proof:
 * that is the server's job, and its verdict is what is worth recording).
 */
import { metrics, recording } from './common';
import { recordSecurityEvent, type SecurityContext } from './security';
import { Vocabulary } from '../metrics/labels';
import { EVENTS, type SecurityEventDefinition } from '../catalog/events';
import { ATTR_OAUTH_ENDPOINT } from '../catalog/attributes';
import { DPOP_CHECK, DPOP_SIDE, type DpopCheck, type DpopSide } from '../catalog/vocabularies';

const sides = new Vocabulary<DpopSide>('side', DPOP_SIDE);
const checks = new Vocabulary<DpopCheck>('check', DPOP_CHECK);

/** Where the request was rejected (a log attribute, never a label). */
const DPOP_ENDPOINT = new Set(['token', 'userinfo', 'introspection', 'resource']);

export interface DpopRejectedInput extends SecurityContext {
  /** Which end rejected the request. */
  side: DpopSide;
  /** The RFC 9449 check that failed (`oauth_dpop_failures_total{check}`, `oauth.reason` of the event). */
  check: DpopCheck;
  /** `token`, `userinfo`, `introspection` or `resource` (anything else is logged as `other`). */
  endpoint?: string;
}

/**
 * The security event of each check. A nonce challenge is the protocol working (§8): it is counted,
 * and its loops are alerted on from the counter, but one challenge is not a security event.
 */
const EVENT_OF: Readonly<Record<DpopCheck, SecurityEventDefinition | undefined>> = Object.freeze({
  proof_invalid: EVENTS.dpopProofInvalid,
  htm_mismatch: EVENTS.dpopProofInvalid,
  htu_mismatch: EVENTS.dpopProofInvalid,
  ath_mismatch: EVENTS.dpopProofInvalid,
  stale_proof: EVENTS.dpopProofInvalid,
  proof_missing: EVENTS.dpopProofInvalid,
  other: EVENTS.dpopProofInvalid,
  proof_replay: EVENTS.dpopProofReplay,
  key_mismatch: EVENTS.dpopKeyMismatch,
  bearer_downgrade: EVENTS.dpopBoundTokenAsBearer,
  nonce_challenge: undefined,
});

/** A DPoP request was rejected: `oauth_dpop_failures_total{side,check}` and, except for nonce challenges, a security event. */
export const dpopRejected = recording<DpopRejectedInput>('dpopRejected', (a) => {
  const side = sides.normalize(a.side);
  const check = checks.normalize(a.check);
  const m = metrics();
  m.add('dpopFailures', 1, m.attrs('dpopFailures', side, check));
  const def = EVENT_OF[check];
  if (def === undefined) return;
  const endpoint = typeof a.endpoint === 'string' && DPOP_ENDPOINT.has(a.endpoint) ? a.endpoint : 'other';
  recordSecurityEvent(
    def,
    { provider: a.provider, clientId: a.clientId, flowId: a.flowId, userId: a.userId, token: a.token, tokenFingerprint: a.tokenFingerprint, reason: check },
    { [ATTR_OAUTH_ENDPOINT]: endpoint },
  );
});
