import type { Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { EXEMPLARS, type Exemplar } from './aggregate/series';

/** OpenMetrics 1.0 text, what Prometheus asks for first (and the only text format with exemplars). */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * Whether a scraper's Accept header asks for OpenMetrics: it names `application/openmetrics-text`
 * with a non-zero q that is at least text/plain's. Anything else (absent, garbage, over-long) gets
 * the 0.0.4 text format every Prometheus reads.
 */
export function wantsOpenMetrics(accept: unknown): boolean {
  if (typeof accept !== 'string' || accept.length > 1024) return false;
  let om = -1;
  let text = -1;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    const t = type.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim() === 'q') q = Number(v);
    }
    if (!(q > 0 && q <= 1)) continue;
    if (t === 'application/openmetrics-text') om = Math.max(om, q);
    else if (t === 'text/plain' || t === '*/*') text = Math.max(text, q);
  }
  return om > 0 && om >= text;
}

const INVALID = /[^a-zA-Z0-9_]/g;
const UNDERSCORES = /_{2,}/g;

/** The exposition's metric and label names: the same rule as the Prometheus serializer. */
function sanitize(name: string): string {
  const s = name.replace(INVALID, '_').replace(UNDERSCORES, '_');
  return s[0]! >= '0' && s[0]! <= '9' ? `_${s}` : s;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function labels(attributes: Attributes, le?: string): string {
  let out = '';
  for (const k in attributes) {
    const v = attributes[k];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${sanitize(k)}="${escapeLabel(typeof v === 'string' ? v : JSON.stringify(v))}"`;
  }
  if (le !== undefined) out += `${out ? ',' : ''}le="${le}"`;
  return out ? `{${out}}` : '';
}

/** ` # {trace_id="…",span_id="…"} value timestamp` (seconds), OpenMetrics' exemplar syntax. */
function exemplar(e: Exemplar | undefined): string {
  return e === undefined ? '' : ` # {trace_id="${e.traceId}",span_id="${e.spanId}"} ${num(e.value)} ${(e.timeMs / 1000).toFixed(3)}`;
}

type Family = { type: 'counter' | 'gauge' | 'histogram'; help: string; metrics: MetricData[] };

function typeOf(m: MetricData): Family['type'] | undefined {
  if (m.dataPointType === DataPointType.SUM) return m.isMonotonic ? 'counter' : 'gauge';
  if (m.dataPointType === DataPointType.GAUGE) return 'gauge';
  if (m.dataPointType === DataPointType.HISTOGRAM) return 'histogram';
  return undefined; // exponential histograms: the package makes none
}

function histogramLines(name: string, p: DataPoint<Histogram>): string {
  const h = p.value;
  const ex = (p as { [EXEMPLARS]?: (Exemplar | undefined)[] })[EXEMPLARS];
  let out = '';
  let cumulative = 0;
  let inf = false;
  const bounds = h.buckets.boundaries;
  for (let i = 0; i < h.buckets.counts.length && !inf; i++) {
    cumulative += h.buckets.counts[i] as number;
    const le = i < bounds.length ? num(bounds[i] as number) : '+Inf';
    inf = le === '+Inf';
    out += `${name}_bucket${labels(p.attributes, le)} ${cumulative}${exemplar(ex?.[i])}\n`;
  }
  // OpenMetrics requires the +Inf bucket (equal to the count).
  if (!inf) out += `${name}_bucket${labels(p.attributes, '+Inf')} ${h.count}\n`;
  out += `${name}_count${labels(p.attributes)} ${h.count}\n`;
  if (h.sum !== undefined) out += `${name}_sum${labels(p.attributes)} ${num(h.sum)}\n`;
  return out;
}

/**
 * The collected metrics as OpenMetrics 1.0 text: the Prometheus serializer's names and labels
 * (scope labels off, as the handler's), counters as `<family>` + `_total` samples, histogram
 * buckets with the exemplar the package kept for them, `# EOF` last. No UNIT lines (optional, and
 * OpenMetrics requires them to be a suffix of the name, which OTel units are not).
 */
export function serializeOpenMetrics(rm: ResourceMetrics, withoutTargetInfo: boolean): string {
  const families = new Map<string, Family | null>();
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const type = typeOf(m);
      if (type === undefined) continue;
      let name = sanitize(m.descriptor.name);
      if (type === 'counter' && name.endsWith('_total')) name = name.slice(0, -'_total'.length);
      const f = families.get(name);
      if (f === null) continue;
      if (f === undefined) families.set(name, { type, help: m.descriptor.description, metrics: [m] });
      else if (f.type !== type) families.set(name, null); // conflicting types: dropped, as the Prometheus serializer does
      else f.metrics.push(m);
    }
  }
  let out = '';
  if (!withoutTargetInfo) out += `# TYPE target_info gauge\n# HELP target_info Target metadata\ntarget_info${labels(rm.resource.attributes)} 1\n`;
  for (const [name, f] of families) {
    if (f === null || name === 'target_info') continue;
    out += `# TYPE ${name} ${f.type}\n# HELP ${name} ${escapeLabel(f.help || 'description missing')}\n`;
    for (const m of f.metrics) {
      if (m.dataPointType === DataPointType.HISTOGRAM) {
        for (const p of m.dataPoints) out += histogramLines(name, p);
      } else {
        const sample = f.type === 'counter' ? `${name}_total` : name;
        for (const p of m.dataPoints as DataPoint<number>[]) out += `${sample}${labels(p.attributes)} ${num(p.value)}\n`;
      }
    }
  }
  return `${out}# EOF\n`;
}
