/**
 * The refresh-token rotations the adapter saw recently: when (and from which client IP) each token
 * was rotated, so a later reuse can be told from a benign race. This runs on every successful
 * refresh of the AS, so each operation is O(1) and allocation-light:
 *
 * - Entries are keyed by a seeded 53-bit hash of the token's jti, never by the jti itself (the
 *   ledger must not hold refresh tokens). The key never leaves the process and only has to be
 *   unique among at most `maxTracked` server-generated tokens (collision odds ~1e-8 at 10,000), so
 *   a keyed HMAC (2 SHA-256 calls, ~3 µs on Node 24) would buy nothing here. A collision can only
 *   mislabel one reuse's classification; the security event itself fingerprints the token with HMAC.
 * - Expiry walks a ring buffer in time order. A Map used as a queue would not do: V8 leaves deleted
 *   entries as holes that every iteration from the head skips, several µs per call under load.
 */

/** When (and from which client IP) a refresh token was rotated. */
export interface Rotation {
  at: number;
  ip: string | undefined;
}

interface Entry extends Rotation {
  key: number;
}

export class RotationLedger {
  private readonly byKey = new Map<number, Entry>();
  /** Entries in insertion (time) order; a ring once it reaches `maxTracked`. */
  private readonly ring: Entry[] = [];
  private head = 0;
  private count = 0;
  private readonly seed = (Math.random() * 0x100000000) >>> 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxTracked: number,
  ) {}

  record(jti: string, ip: string | undefined, now: number): void {
    this.expire(now);
    if (this.count === this.maxTracked) this.evictOldest();
    const e: Entry = { key: this.key(jti), at: now, ip };
    const tail = (this.head + this.count) % this.maxTracked;
    if (tail === this.ring.length) this.ring.push(e);
    else this.ring[tail] = e;
    this.count++;
    this.byKey.set(e.key, e);
  }

  get(jti: string): Rotation | undefined {
    return this.byKey.get(this.key(jti));
  }

  clear(): void {
    this.byKey.clear();
    this.ring.length = 0;
    this.head = 0;
    this.count = 0;
  }

  get size(): number {
    return this.byKey.size;
  }

  private expire(now: number): void {
    while (this.count > 0 && now - this.ring[this.head]!.at > this.windowMs) this.evictOldest();
  }

  private evictOldest(): void {
    const e = this.ring[this.head]!;
    // A token rotated twice has a newer entry under the same key: keep that one.
    if (this.byKey.get(e.key) === e) this.byKey.delete(e.key);
    this.head = (this.head + 1) % this.maxTracked;
    this.count--;
  }

  /** cyrb53 (a seeded 53-bit string hash): ~0.1 µs for a 43-character jti. */
  private key(s: string): number {
    let h1 = 0xdeadbeef ^ this.seed;
    let h2 = 0x41c6ce57 ^ this.seed;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}
