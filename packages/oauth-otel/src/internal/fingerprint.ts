import { createHmac } from 'node:crypto';
import { runtime } from './runtime';

/**
 * Keyed fingerprint of a secret (token, state, flow id): the first 12 hex characters of an
 * HMAC-SHA256. Keyed so that holding a candidate token is not enough to confirm it offline; the
 * key is random per process unless configured (configure one to correlate across processes).
 */
export function setFingerprintKey(k: string | Buffer): void {
  runtime().fingerprintKey = typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k);
}

export function fingerprint(value: string): string {
  return createHmac('sha256', runtime().fingerprintKey).update(value).digest('hex').slice(0, 12);
}
