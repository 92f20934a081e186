import type { Attributes } from '@opentelemetry/api';

/**
 * The key under which an interned attribute object carries its series. A symbol: invisible to
 * Object.keys/entries, so no exporter, hash or serializer ever sees it.
 */
export const SERIES: unique symbol = Symbol('oauth-otel.series');

/** One counter series: a running total, observed by an asynchronous counter at collection. */
export class CounterSeries {
  value = 0;
  constructor(
    /** Clean attributes (labels only), built once; what the SDK sees at collection. */
    readonly attributes: Attributes,
    readonly slot: number,
  ) {}
}

/**
 * One histogram series: bucket counts in a typed array plus sum, count, min and max, all
 * cumulative since the process started. Readers derive deltas themselves (producer.ts).
 */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  constructor(
    readonly attributes: Attributes,
    readonly slot: number,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Straight-line: a linear bucket scan (≤ 7 bounds in the catalog beats a binary search). */
  record(value: number): void {
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    while (i < n && value > (b[i] as number)) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

export type Series = CounterSeries | HistogramSeries;

/** All series of one metric, in creation order (the order overflow accounting follows). */
export interface SeriesTable<S extends Series> {
  readonly series: S[];
}
