import { reportDrop } from '../internal/diag';

/**
 * Live items keyed by id with an expiry: the built-in source of the active-PKCE-states and
 * active-token gauges. A removal only counts for an id that was added, and expired ids fall out
 * on their own, so the gauge can neither go negative nor drift upward (seed defects 2 and 20).
 */
export class ExpiringSet {
  private readonly items = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly cap: number,
  ) {}

  set(id: string, expiresAt: number): void {
    if (!this.items.has(id) && this.items.size >= this.cap) {
      this.sweep(Date.now());
      if (this.items.size >= this.cap) {
        reportDrop('metrics', 'tracker_cap', `tracker:${this.name}`, `${this.name} tracker is full (${this.cap}); use a gauge source instead`);
        return;
      }
    }
    this.items.set(id, expiresAt);
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }

  /** Live items now (expired ones are removed). */
  size(now: number): number {
    this.sweep(now);
    return this.items.size;
  }

  /** Live items expiring within `windowMs` from now. */
  expiringWithin(now: number, windowMs: number): number {
    this.sweep(now);
    let n = 0;
    const limit = now + windowMs;
    for (const exp of this.items.values()) if (exp <= limit) n++;
    return n;
  }

  clear(): void {
    this.items.clear();
  }

  private sweep(now: number): void {
    for (const [id, exp] of this.items) if (exp <= now) this.items.delete(id);
  }
}
