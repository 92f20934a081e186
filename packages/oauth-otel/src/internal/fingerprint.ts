import { createFingerprinter } from '../redaction/fingerprint';
import { runtime } from './runtime';
import { reportDrop } from './diag';

/**
 * Keyed fingerprint of a secret (token, state, flow id): the first 12 hex characters of an
 * HMAC-SHA256. Keyed so that holding a candidate token is not enough to confirm it offline; the
 * key is random per process unless configured (configure one to correlate across processes).
 * The HMAC pads are precomputed once per key: a fresh createHmac per call cost ~10x more.
 */
export function setFingerprintKey(k: string | Buffer): void {
  const rt = runtime();
  rt.fingerprintKey = typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k);
  rt.fingerprinter = undefined;
}

/**
 * Longest input hashed in full (real tokens, JWTs included, are far shorter). Past it, the
 * fingerprint covers a bounded prefix plus the length, so hashing costs the same for 10 MB as
 * for 4 KB; such inputs are counted as `oversize`.
 */
export const MAX_FINGERPRINT_INPUT = 4096;

export function fingerprint(value: string): string {
  const rt = runtime();
  const fp = (rt.fingerprinter ??= createFingerprinter(rt.fingerprintKey));
  if (value.length <= MAX_FINGERPRINT_INPUT) return fp(value);
  reportDrop('metrics', 'oversize', 'fingerprint:oversize', `values longer than ${MAX_FINGERPRINT_INPUT} characters are fingerprinted from their first ${MAX_FINGERPRINT_INPUT} characters and their length`);
  return fp(`${value.slice(0, MAX_FINGERPRINT_INPUT)}\u0000${value.length}`);
}
