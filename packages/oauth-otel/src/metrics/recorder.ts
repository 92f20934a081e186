import { trace, TraceFlags, type Attributes, type Histogram, type MeterProvider, type ObservableResult } from '@opentelemetry/api';
import {
  METER_NAME,
  METRICS,
  type CounterKey,
  type GaugeKey,
  type HistogramKey,
  type LabelValues,
  type MetricDefinition,
  type MetricKey,
} from '../catalog/metrics';
import { VERSION } from '../version';
import { noticeOnce, reportDrop } from '../internal/diag';
import { AttributeCache } from './attributes';
import { CounterSeries, HistogramSeries, SERIES } from './aggregate/series';
import { ExpiringSet } from './tracker';

export type { GaugeKey };

declare const forMetric: unique symbol;
/** Interned attributes of one metric: those of another metric do not type-check. */
export type MetricAttributes<K extends MetricKey> = Attributes & { readonly [forMetric]: K };
/** The app's source of truth for a gauge (a DB count, a cache size). May be async. */
export type GaugeSource = () => number | Promise<number>;

const PRE_INIT_CAPACITY = 10_000;
/** Time a gauge source gets per scrape: a slow source must not hold the whole exposition. */
export const GAUGE_SOURCE_BUDGET_MS = 1000;
const TRACKER_CAPACITY = 100_000;

const THREW = Symbol('threw');
const TIMED_OUT = Symbol('timed out');

/** Who serves the histograms: not decided before bind, then OAuth metric producers or SDK instruments. */
const PENDING = 0;
const PRODUCER = 1;
const SDK = 2;

const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });

type Op = { key: HistogramKey; value: number; series: HistogramSeries };

/** What a producer needs of one histogram at collection time. */
export interface ProducedHistogram {
  readonly name: string;
  readonly help: string;
  readonly unit: string;
  readonly bounds: readonly number[];
  readonly series: readonly HistogramSeries[];
}

/**
 * Owns the OAuth metrics, pre-aggregated: every label combination is enumerable (closed
 * vocabularies, capped providers), so each interned attribute object carries its own series and a
 * recording call is a property load and an addition, with nothing built or hashed per call. The
 * SDK gets the data at collection time: asynchronous counters and gauges for every reader, and
 * the histograms through an OAuth MetricProducer on each reader (aggregate/producer.ts). When
 * the instruments are bound with no producer made (an SDK set up without one), histograms fall
 * back to SDK instruments so no reader loses them.
 *
 * Until a MeterProvider is bound, counters accumulate in place and histogram values also wait in
 * a queue (for that fallback); past PRE_INIT_CAPACITY measurements they are counted as
 * `pre_init_overflow`, as before pre-aggregation.
 */
export class OAuthMetrics {
  private readonly caches = {} as Record<MetricKey, AttributeCache>;
  private readonly histograms = new Map<MetricKey, Histogram>();
  private readonly produced: ProducedHistogram[] = [];
  private mode: number = PENDING;
  private producers = 0;
  private preInit = 0;
  private queue: Op[] | undefined = [];
  private provider: MeterProvider | undefined;
  /**
   * Series per counter before the rest are observed as one `otel.metric.overflow` series. Folded
   * here, not by the SDK: its asynchronous overflow re-adds every cumulative value per collection.
   */
  cardinalityLimit = 2000;

  readonly sources: Partial<Record<GaugeKey, GaugeSource>> = {};
  readonly pkceStates = new ExpiringSet('pkce_states', TRACKER_CAPACITY);
  readonly tokens = new ExpiringSet('tokens', TRACKER_CAPACITY);
  /** Window of `oauth_tokens_expiring_soon` when computed from the token tracker. */
  expiringSoonWindowMs = 5 * 60_000;
  /** Last value reported by a scheduled refresh run, used when no source is set. */
  expiringSoonReported: number | undefined;
  /** Per-scrape budget of a gauge source (tests shorten it). */
  gaugeSourceBudgetMs = GAUGE_SOURCE_BUDGET_MS;
  /** A source call still running: never called again until it settles, so a hung source costs one promise. */
  private readonly pendingSources = new Map<GaugeKey, Promise<unknown>>();

  constructor() {
    for (const [key, d] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      const bounds = d.buckets ?? [];
      const cache = new AttributeCache(
        Object.keys(d.labels),
        d.kind === 'histogram' ? (a, slot) => new HistogramSeries(a, slot, bounds) : (a, slot) => new CounterSeries(a, slot),
      );
      this.caches[key] = cache;
      if (d.kind === 'histogram') {
        this.produced.push({ name: d.name, help: d.help, unit: d.unit ?? '', bounds, series: cache.series as HistogramSeries[] });
      }
    }
  }

  get bound(): boolean {
    return this.provider !== undefined;
  }

  /**
   * Interned attribute object for already-normalized label values, in catalog label order: the
   * values are the metric's typed label tuple (wrong arity, order or domain does not compile).
   * Positional parameters at run time: no rest array per call.
   */
  attrs<K extends MetricKey>(key: K, ...values: LabelValues<K>): MetricAttributes<K>;
  attrs(key: MetricKey, a?: any, b?: any, c?: any): Attributes {
    return this.caches[key].get(a, b, c);
  }

  add<K extends CounterKey>(key: K, value: number, attrs: MetricAttributes<NoInfer<K>>): void;
  add(_key: MetricKey, value: number, attrs: Attributes): void {
    const s = (attrs as { [SERIES]?: CounterSeries })[SERIES];
    if (s === undefined || !(value >= 0)) return; // the API layer already reported bad values
    if (this.provider === undefined && !this.admit()) return;
    s.value += value;
  }

  record<K extends HistogramKey>(key: K, value: number, attrs: MetricAttributes<NoInfer<K>>): void;
  record(key: HistogramKey, value: number, attrs: Attributes): void {
    const s = (attrs as { [SERIES]?: HistogramSeries })[SERIES];
    if (s === undefined || !(value >= 0) || value === Infinity) return;
    const mode = this.mode;
    if (mode === PRODUCER) {
      const i = s.record(value);
      // The exemplar: the active span's ids, when it is sampled (no span active: one context lookup).
      const sc = trace.getActiveSpan()?.spanContext();
      if (sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0) s.keepExemplar(i, value, sc.traceId, sc.spanId);
    } else if (mode === SDK) this.histograms.get(key)?.record(value, s.attributes);
    else if (this.admit()) {
      s.record(value);
      this.queue?.push({ key, value, series: s });
    }
  }

  /** A producer was made for a reader: histograms will be served by producers. */
  attachProducer(): void {
    if (this.mode === SDK) {
      noticeOnce('producer-after-bind', 'createOAuthMetricProducer() after the instruments were bound: histograms stay on SDK instruments');
      return;
    }
    this.producers++;
  }

  /** The histograms producers serve ([] when SDK instruments serve them). */
  producedHistograms(): readonly ProducedHistogram[] {
    return this.mode === PRODUCER ? this.produced : [];
  }

  /**
   * Creates the instruments on `provider` and hands queued measurements over. Returns false (and
   * changes nothing) when already bound: one set of instruments per process.
   */
  bind(provider: MeterProvider): boolean {
    if (this.provider !== undefined) return false;
    this.provider = provider;
    this.mode = this.producers > 0 ? PRODUCER : SDK;
    const meter = provider.getMeter(METER_NAME, VERSION);
    for (const [key, d] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      const opts = { description: d.help, ...(d.unit ? { unit: d.unit } : {}) };
      if (d.kind === 'counter') {
        const series = this.caches[key].series as CounterSeries[];
        // Unlabelled counters show 0 from the first scrape, as prom-client did.
        const always = Object.keys(d.labels).length === 0;
        meter.createObservableCounter(d.name, opts).addCallback((result) => {
          const own = this.cardinalityLimit - 1;
          let overflow = 0;
          for (let i = 0; i < series.length; i++) {
            const s = series[i] as CounterSeries;
            if (i >= own) overflow += s.value;
            else if (s.value > 0 || always) result.observe(s.value, s.attributes);
          }
          if (overflow > 0) result.observe(overflow, OVERFLOW);
        });
      } else if (d.kind === 'histogram') {
        if (this.mode === SDK) {
          this.histograms.set(
            key,
            meter.createHistogram(d.name, { ...opts, advice: { explicitBucketBoundaries: [...(d.buckets ?? [])] } }),
          );
        }
      } else {
        const g = meter.createObservableGauge(d.name, opts);
        g.addCallback((result) => this.observe(key as GaugeKey, result));
      }
    }
    const queued = this.queue ?? [];
    this.queue = undefined;
    // Producers read the series, which already hold these values; SDK instruments get them now.
    if (this.mode === SDK) for (const op of queued) this.histograms.get(op.key)?.record(op.value, op.series.attributes);
    return true;
  }

  /** Before bind: at most PRE_INIT_CAPACITY measurements, the rest counted as dropped. */
  private admit(): boolean {
    if (this.preInit < PRE_INIT_CAPACITY) {
      this.preInit++;
      return true;
    }
    reportDrop('metrics', 'pre_init_overflow', 'pre-init', `more than ${PRE_INIT_CAPACITY} measurements before initTelemetry(); later ones are dropped`);
    return false;
  }

  private async observe(key: GaugeKey, result: ObservableResult): Promise<void> {
    let value: unknown;
    const source = this.sources[key];
    if (source !== undefined) {
      const outcome = await this.callSource(key, source);
      if (outcome === TIMED_OUT) {
        reportDrop('metrics', 'timeout', `gauge-timeout:${key}`, `gauge source for ${key} did not settle within ${this.gaugeSourceBudgetMs} ms; the gauge is skipped in this scrape`);
        return;
      }
      if (outcome === THREW) {
        reportDrop('metrics', 'invalid_value', `gauge-source:${key}`, `gauge source for ${key} threw`);
        return;
      }
      value = outcome.value;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        reportDrop('metrics', 'invalid_value', `gauge-value:${key}`, `gauge source for ${key} returned a value that is not a non-negative number`);
        return;
      }
    } else {
      const now = Date.now();
      if (key === 'activePkceStates') value = this.pkceStates.size(now);
      else if (key === 'activeTokens') value = this.tokens.size(now);
      else value = this.expiringSoonReported ?? this.tokens.expiringWithin(now, this.expiringSoonWindowMs);
    }
    result.observe(value as number);
  }

  /** The source's value, or THREW, or TIMED_OUT after the budget (or while its last call still hangs). */
  private callSource(key: GaugeKey, source: GaugeSource): Promise<{ value: unknown } | typeof THREW | typeof TIMED_OUT> {
    if (this.pendingSources.has(key)) return Promise.resolve(TIMED_OUT);
    let pending: Promise<{ value: unknown } | typeof THREW>;
    try {
      pending = Promise.resolve(source()).then(
        (value) => ({ value }),
        () => THREW,
      );
    } catch {
      return Promise.resolve(THREW);
    }
    this.pendingSources.set(key, pending);
    void pending.finally(() => this.pendingSources.delete(key));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, this.gaugeSourceBudgetMs, TIMED_OUT);
      timer.unref();
    });
    return Promise.race([pending, budget]).finally(() => clearTimeout(timer));
  }

}
