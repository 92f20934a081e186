import type { Attributes } from '@opentelemetry/api';
import { DATA_KEYS } from '../../internal/registry';

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
 * The last measurement of one bucket made while a sampled span was active: what OpenMetrics
 * calls an exemplar (the trace a slow bucket leads to). Overwritten in place, never reallocated.
 */
export interface Exemplar {
  traceId: string;
  spanId: string;
  value: number;
  /** Epoch milliseconds of the measurement. */
  timeMs: number;
}

/**
 * Where a collected histogram data point carries its exemplars (one slot per bucket). A registered
 * symbol: invisible to Object.keys/entries (no exporter or serializer that does not ask sees it),
 * and the same key in every copy of the package a bundler loads.
 */
export const EXEMPLARS: unique symbol = DATA_KEYS.exemplars as never;

/**
 * One histogram series: bucket counts in a typed array plus sum, count, min and max, all
 * cumulative since the process started. Readers derive deltas themselves (producer.ts).
 * Exemplars, one per bucket, are allocated on the first sampled measurement only.
 */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  exemplars: (Exemplar | undefined)[] | undefined;
  constructor(
    readonly attributes: Attributes,
    readonly slot: number,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /**
   * Straight-line: a linear bucket scan (≤ 7 bounds in the catalog beats a binary search).
   * Returns the bucket's index, for keepExemplar().
   */
  record(value: number): number {
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    while (i < n && value > (b[i] as number)) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return i;
  }

  /** Bucket `i`'s exemplar becomes this measurement (the ids are the span context's own strings). */
  keepExemplar(i: number, value: number, traceId: string, spanId: string): void {
    const all = (this.exemplars ??= new Array<Exemplar | undefined>(this.counts.length));
    const e = all[i];
    if (e === undefined) all[i] = { traceId, spanId, value, timeMs: Date.now() };
    else {
      e.traceId = traceId;
      e.spanId = spanId;
      e.value = value;
      e.timeMs = Date.now();
    }
  }
}

export type Series = CounterSeries | HistogramSeries;

/** All series of one metric, in creation order (the order overflow accounting follows). */
export interface SeriesTable<S extends Series> {
  readonly series: S[];
}
