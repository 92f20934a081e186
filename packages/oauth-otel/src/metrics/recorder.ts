import type { Attributes, Counter, Histogram, MeterProvider, ObservableResult } from '@opentelemetry/api';
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
import { reportDrop } from '../internal/diag';
import { AttributeCache } from './attributes';
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

type Op = { key: MetricKey; value: number; attrs: Attributes };

/**
 * Owns the OAuth instruments. Until a MeterProvider is bound (the OTel metrics API has no proxy:
 * instruments made before an SDK exists stay no-ops for ever), measurements wait in a bounded
 * queue and are replayed on bind; past the cap they are counted as `pre_init_overflow`.
 */
export class OAuthMetrics {
  private readonly caches = {} as Record<MetricKey, AttributeCache>;
  private readonly counters = new Map<MetricKey, Counter>();
  private readonly histograms = new Map<MetricKey, Histogram>();
  private queue: Op[] | undefined = [];
  private provider: MeterProvider | undefined;

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
      this.caches[key] = new AttributeCache(Object.keys(d.labels));
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
  add(key: MetricKey, value: number, attrs: Attributes): void {
    const c = this.counters.get(key);
    if (c !== undefined) c.add(value, attrs);
    else this.enqueue(key, value, attrs);
  }

  record<K extends HistogramKey>(key: K, value: number, attrs: MetricAttributes<NoInfer<K>>): void;
  record(key: MetricKey, value: number, attrs: Attributes): void {
    const h = this.histograms.get(key);
    if (h !== undefined) h.record(value, attrs);
    else this.enqueue(key, value, attrs);
  }

  /**
   * Creates the instruments on `provider` and replays queued measurements. Returns false (and
   * changes nothing) when already bound: one set of instruments per process.
   */
  bind(provider: MeterProvider): boolean {
    if (this.provider !== undefined) return false;
    this.provider = provider;
    const meter = provider.getMeter(METER_NAME, VERSION);
    for (const [key, d] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      const opts = { description: d.help, ...(d.unit ? { unit: d.unit } : {}) };
      if (d.kind === 'counter') {
        const c = meter.createCounter(d.name, opts);
        // Unlabelled counters show 0 from the first scrape, as prom-client did.
        if (Object.keys(d.labels).length === 0) c.add(0);
        this.counters.set(key, c);
      } else if (d.kind === 'histogram') {
        this.histograms.set(
          key,
          meter.createHistogram(d.name, { ...opts, advice: { explicitBucketBoundaries: [...(d.buckets ?? [])] } }),
        );
      } else {
        const g = meter.createObservableGauge(d.name, opts);
        g.addCallback((result) => this.observe(key as GaugeKey, result));
      }
    }
    const queued = this.queue ?? [];
    this.queue = undefined;
    for (const op of queued) {
      const c = this.counters.get(op.key);
      if (c !== undefined) c.add(op.value, op.attrs);
      else this.histograms.get(op.key)?.record(op.value, op.attrs);
    }
    return true;
  }

  /** The drop counter, once bound (drops before that are replayed by the runtime). */
  dropCounter(): Counter | undefined {
    return this.counters.get('telemetryDropped');
  }

  private enqueue(key: MetricKey, value: number, attrs: Attributes): void {
    const q = this.queue;
    if (q === undefined) return; // bound between the lookup and here: impossible, kept total
    if (q.length < PRE_INIT_CAPACITY) q.push({ key, value, attrs });
    else reportDrop('metrics', 'pre_init_overflow', 'pre-init', `more than ${PRE_INIT_CAPACITY} measurements before initTelemetry(); later ones are dropped`);
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
