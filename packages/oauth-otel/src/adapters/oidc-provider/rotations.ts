/**
 * The refresh-token rotations the adapter saw recently: when (and from which client IP) each token
 * was rotated, so a later reuse can be told from a benign race. This runs on every successful
 * refresh of the AS, so each operation is O(1) and allocation-light:
 *
 * - Entries are found by a seeded 62-bit hash of the token's jti, never by the jti itself (the
 *   ledger must not hold refresh tokens): 30 bits as the Map key (a small integer, V8's fastest
 *   key), 32 more checked in the entry. The hash never leaves the process and only has to tell
 *   apart at most `maxTracked` server-generated tokens, so a keyed HMAC (2 SHA-256 calls, ~3 µs
 *   on Node 24) would buy nothing. Two tokens sharing the 30-bit key (odds ~1e-5 per rotation at
 *   10,000 entries) just replace each other: the older one is then "not seen", which the adapter
 *   already handles (it falls back to the store's rotation time). The security event itself
 *   fingerprints the token with the HMAC.
 * - Expiry walks a ring buffer in time order. A Map used as a queue would not do: V8 leaves deleted
 *   entries as holes that every iteration from the head skips, several µs per call under load.
 */

/** Bound once: a global lookup per character costs ~0.6 µs in a vm context (jest, some sandboxes). */
const imul = Math.imul;

/** When (and from which client IP) a refresh token was rotated. */
export interface Rotation {
  at: number;
  ip: string | undefined;
}

interface Entry extends Rotation {
  key: number;
  check: number;
}

export class RotationLedger {
  private readonly byKey = new Map<number, Entry>();
  /** The second half of the last hash computed (saves an array per call). */
  private check = 0;
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
    const key = this.hash(jti);
    const tail = (this.head + this.count) % this.maxTracked;
    let e: Entry | undefined;
    if (tail === this.ring.length) this.ring.push((e = { key, check: this.check, at: now, ip }));
    else {
      // The slot's entry was evicted (nothing else refers to it): reuse it, no allocation per rotation.
      e = this.ring[tail]!;
      e.key = key;
      e.check = this.check;
      e.at = now;
      e.ip = ip;
    }
    this.count++;
    this.byKey.set(key, e);
  }

  get(jti: string): Rotation | undefined {
    const e = this.byKey.get(this.hash(jti));
    return e !== undefined && e.check === this.check ? e : undefined;
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

  /** cyrb53's mixing (two seeded 32-bit lanes): ~0.1 µs for a 43-character jti. Returns 30 bits
   *  of one lane and leaves the other lane in `check`. */
  private hash(s: string): number {
    let h1 = 0xdeadbeef ^ this.seed;
    let h2 = 0x41c6ce57 ^ this.seed;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = imul(h1 ^ c, 2654435761);
      h2 = imul(h2 ^ c, 1597334677);
    }
    h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
    this.check = h2 | 0;
    return h1 & 0x3fffffff;
  }
}
