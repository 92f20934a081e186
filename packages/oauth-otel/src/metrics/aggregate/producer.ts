import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type HistogramMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { METER_NAME } from '../../catalog/metrics';
import { VERSION } from '../../version';
import { OAuthTelemetryConfigError } from '../../errors';
import { describe } from '../../internal/validate';
import { oauthMetrics } from '../bind';
import { cardinalityLimitOf } from '../views';
import { EXEMPLARS, type Exemplar, type HistogramSeries } from './series';

/** Where a producer learns its reader's temporality: a fixed value, a selector, or the exporter. */
export type TemporalityOption =
  | AggregationTemporality
  | ((instrumentType: InstrumentType) => AggregationTemporality)
  | { selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality };

export interface OAuthMetricProducerOptions {
  /**
   * The temporality of the reader this producer is given to (default cumulative). Pass the
   * reader's exporter (an OTLP metric exporter with `temporalityPreference: 'delta'`), a
   * selector, or an `AggregationTemporality`.
   */
  temporality?: TemporalityOption;
  /** Series per histogram before the rest fold into `otel.metric.overflow=true` (default 2000, as the SDK). */
  cardinalityLimit?: number;
}

const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });

type Snapshot = { counts: Float64Array; sum: number; count: number };

/**
 * Hands the package's pre-aggregated histograms to one MetricReader at collection time (the SDK
 * has no asynchronous histogram). One producer per reader: a delta reader's producer keeps the
 * last cumulative state it reported and sends the difference.
 */
class OAuthMetricProducer implements MetricProducer {
  private readonly startTime: HrTime = hrTime();
  private lastTime: HrTime = this.startTime;
  private readonly previous = new WeakMap<HistogramSeries, Snapshot>();

  constructor(
    private readonly temporality: AggregationTemporality,
    private readonly limit: number,
  ) {}

  async collect(): Promise<CollectionResult> {
    const metrics: HistogramMetricData[] = [];
    const errors: unknown[] = [];
    try {
      const endTime = hrTime();
      const delta = this.temporality === AggregationTemporality.DELTA;
      const startTime = delta ? this.lastTime : this.startTime;
      for (const h of oauthMetrics().producedHistograms()) {
        const points = this.points(h.series, h.bounds, startTime, endTime, delta);
        if (points.length === 0) continue;
        metrics.push({
          descriptor: { name: h.name, description: h.help, unit: h.unit, valueType: ValueType.DOUBLE },
          aggregationTemporality: this.temporality,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: points,
        });
      }
      this.lastTime = endTime;
    } catch (err) {
      errors.push(err); // the reader reports collection errors; a scrape still gets the SDK's data
    }
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length ? [{ scope: { name: METER_NAME, version: VERSION }, metrics }] : [] },
      errors,
    };
  }

  private points(series: readonly HistogramSeries[], bounds: readonly number[], startTime: HrTime, endTime: HrTime, delta: boolean): DataPoint<Histogram>[] {
    const points: DataPoint<Histogram>[] = [];
    const boundaries = [...bounds];
    let overflow: Histogram | undefined;
    for (let i = 0; i < series.length; i++) {
      const s = series[i] as HistogramSeries;
      if (s.count === 0) continue;
      let counts: number[];
      let sum = s.sum;
      let count = s.count;
      if (delta) {
        const prev = this.previous.get(s);
        counts = Array.from(s.counts, (c, j) => c - (prev?.counts[j] ?? 0));
        sum -= prev?.sum ?? 0;
        count -= prev?.count ?? 0;
        if (prev) {
          prev.counts.set(s.counts);
          prev.sum = s.sum;
          prev.count = s.count;
        } else this.previous.set(s, { counts: Float64Array.from(s.counts), sum: s.sum, count: s.count });
        if (count === 0) continue;
      } else counts = Array.from(s.counts);
      // The SDK's rule: limit - 1 series of their own, the rest in one overflow series.
      if (i >= this.limit - 1) {
        if (overflow === undefined) overflow = { buckets: { boundaries, counts: counts.map(() => 0) }, sum: 0, count: 0 };
        for (let j = 0; j < counts.length; j++) (overflow.buckets.counts[j] as number) += counts[j] as number;
        overflow.sum! += sum;
        overflow.count += count;
        continue;
      }
      // min/max are lifetime values: only a cumulative point can carry them truthfully.
      const value: Histogram = delta ? { buckets: { boundaries, counts }, sum, count } : { buckets: { boundaries, counts }, sum, count, min: s.min, max: s.max };
      const point: DataPoint<Histogram> & { [EXEMPLARS]?: (Exemplar | undefined)[] } = { attributes: s.attributes, startTime, endTime, value };
      // sdk-metrics 3.1 has no exemplar field (opentelemetry-js #5147): a snapshot rides on the
      // point under a symbol, for the OpenMetrics exposition (metrics/openmetrics.ts).
      if (s.exemplars !== undefined) point[EXEMPLARS] = s.exemplars.map((e) => (e === undefined ? undefined : { ...e }));
      points.push(point);
    }
    if (overflow !== undefined) points.push({ attributes: OVERFLOW, startTime, endTime, value: overflow });
    return points;
  }
}

function temporalityOf(option: TemporalityOption | undefined): AggregationTemporality {
  if (option === undefined) return AggregationTemporality.CUMULATIVE;
  if (option === AggregationTemporality.CUMULATIVE || option === AggregationTemporality.DELTA) return option;
  let t: unknown;
  if (typeof option === 'function') t = option(InstrumentType.HISTOGRAM);
  else if (option !== null && typeof option === 'object' && typeof option.selectAggregationTemporality === 'function') {
    t = option.selectAggregationTemporality(InstrumentType.HISTOGRAM);
  }
  if (t === AggregationTemporality.CUMULATIVE || t === AggregationTemporality.DELTA) return t;
  throw new OAuthTelemetryConfigError(
    'temporality',
    'AggregationTemporality.CUMULATIVE or DELTA, a selector returning one, or the reader\'s exporter',
    describe(option),
  );
}

/**
 * A MetricProducer for one MetricReader of your own SDK: pass it in the reader's
 * `metricProducers` (PeriodicExportingMetricReader, PrometheusExporter) before binding the
 * instruments, and the OAuth histograms reach that reader (counters and gauges reach every reader
 * through the MeterProvider). Made before `bindOAuthInstruments()`; one per reader.
 */
export function createOAuthMetricProducer(options: OAuthMetricProducerOptions = {}): MetricProducer {
  const o = options !== null && typeof options === 'object' ? options : {};
  const limit = cardinalityLimitOf(o.cardinalityLimit);
  const producer = new OAuthMetricProducer(temporalityOf(o.temporality), limit);
  const m = oauthMetrics();
  m.attachProducer();
  // The counters fold their overflow in the recorder (one limit per process: the last producer's).
  if (o.cardinalityLimit !== undefined) m.cardinalityLimit = limit;
  return producer;
}
