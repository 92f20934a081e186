import { createFingerprinter } from '../redaction/fingerprint';
import { runtime } from './runtime';

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

export function fingerprint(value: string): string {
  const rt = runtime();
  return (rt.fingerprinter ??= createFingerprinter(rt.fingerprintKey))(value);
}
