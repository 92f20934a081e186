/**
 * What a query may name: the metric catalog (src/catalog/metrics.ts + vocabularies.ts) as Prometheus series,
 * the recording rules, and the log schema (src/catalog/attributes.ts) plus the event names of the package API.
 */
import {
  EVENT_NAME_BY_FLAT,
  EVENT_NAMES,
  LOG_QUERY_FIELDS,
  METRIC_DEFINITIONS,
  SECURITY_EVENTS as SECURITY_EVENT_DEFS,
  SECURITY_RULE,
  SECURITY_RULESET,
  type LabelDomain,
} from '../../../packages/oauth-otel/src/catalog';
import { recordingRuleNames } from './extract';

/** Labels every scraped series has: scrape labels plus the target labels of the scrape config. */
export const TARGET_LABELS = ['job', 'instance', 'service', 'environment'] as const;
/** Label the OTel SDK adds to the series that collects label sets past the cardinality limit. */
export const OVERFLOW_LABEL = 'otel_metric_overflow';

export interface SeriesSpec {
  /** label -> closed list of values, or 'any' */
  labels: Map<string, readonly string[] | 'any'>;
  /** what the series is, for messages */
  origin: string;
}

/**
 * A bucket bound as Prometheus 3 stores `le`: it normalizes classic-histogram `le` at scrape time
 * to its float form (Go's FormatFloat 'g', plus ".0" for a whole number), so an exporter's `le="5"`
 * is stored, and only matched, as `le="5.0"`. (Prometheus 2 kept the exporter's text.)
 */
export const formatLe = (b: number) => {
  if (b === Infinity) return '+Inf';
  const s = String(b);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

function domain(d: LabelDomain): readonly string[] | 'any' {
  return d === 'provider' ? 'any' : d;
}

/**
 * Every series name a PromQL query may select, with its labels. Histograms give `_bucket` (plus
 * `le` limited to the catalog's bucket bounds), `_sum` and `_count`.
 */
export function seriesCatalog(): Map<string, SeriesSpec> {
  const out = new Map<string, SeriesSpec>();
  const withTargetLabels = (labels: Map<string, readonly string[] | 'any'>) => {
    for (const l of TARGET_LABELS) labels.set(l, 'any');
    labels.set(OVERFLOW_LABEL, ['true']);
    return labels;
  };
  for (const def of METRIC_DEFINITIONS) {
    const base = () => withTargetLabels(new Map(Object.entries(def.labels).map(([k, v]) => [k, domain(v)] as const)));
    if (def.kind === 'histogram') {
      const bucket = base();
      bucket.set('le', [...(def.buckets ?? []).map(formatLe), '+Inf']);
      out.set(`${def.name}_bucket`, { labels: bucket, origin: `histogram ${def.name}` });
      out.set(`${def.name}_sum`, { labels: base(), origin: `histogram ${def.name}` });
      out.set(`${def.name}_count`, { labels: base(), origin: `histogram ${def.name}` });
    } else {
      out.set(def.name, { labels: base(), origin: `${def.kind} ${def.name}` });
    }
  }
  // The collector's own telemetry (otel-collector.yaml serves it on :8888, job otel-collector), as
  // the collector built from stack/collector/manifest.yaml exposes it and Prometheus 3 stores it:
  // counters have no `_total` suffix there (promql-live scrapes a real one and proves each name).
  for (const [name, labels] of COLLECTOR_SERIES) {
    out.set(name, { labels: withTargetLabels(new Map(labels.map((l) => [l, 'any'] as const))), origin: 'collector self-telemetry' });
  }
  // Series Prometheus or the exporter add.
  out.set('target_info', { labels: withTargetLabels(new Map([['*', 'any']])), origin: 'exporter target_info (resource attributes)' });
  out.set('up', { labels: withTargetLabels(new Map()), origin: 'Prometheus scrape health' });
  out.set('ALERTS', {
    labels: new Map<string, readonly string[] | 'any'>([
      ['alertname', 'any'],
      ['alertstate', ['pending', 'firing']],
      ['severity', ['critical', 'warning', 'info']],
      ['priority', ['P0', 'P1', 'P2', 'P3']],
      ['service', 'any'],
      ['environment', 'any'],
      ['signal', 'any'],
      ['reason', 'any'],
      ['metric', 'any'],
    ]),
    origin: 'Prometheus ALERTS',
  });
  for (const name of recordingRuleNames()) {
    const labels = new Map<string, readonly string[] | 'any'>([
      ['service', 'any'],
      ['environment', 'any'],
    ]);
    if (name.startsWith('oauth:security_events')) labels.set('event_type', 'any');
    out.set(name, { labels, origin: `recording rule ${name}` });
  }
  return out;
}

/** Collector self-telemetry series the shipped rules, dashboards and docs may read, with their labels. */
export const COLLECTOR_SERIES: readonly (readonly [string, readonly string[]])[] = [
  ['otelcol_exporter_send_failed_log_records', ['exporter', 'server_address', 'server_port', 'url_path']],
  ['otelcol_exporter_sent_log_records', ['exporter', 'server_address', 'server_port', 'url_path']],
  ['otelcol_exporter_queue_size', ['exporter', 'data_type']],
  ['otelcol_exporter_queue_capacity', ['exporter', 'data_type']],
  ['otelcol_receiver_accepted_log_records', ['receiver', 'transport']],
  ['otelcol_receiver_refused_log_records', ['receiver', 'transport']],
];

/** Labels any query may group or join by, whatever metric it reads. */
export const ALWAYS_ALLOWED_LABELS = new Set<string>([...TARGET_LABELS, 'le', '__name__', OVERFLOW_LABEL]);

// ---------------------------------------------------------------------------------------------
// Logs

/**
 * Loki index labels of OTLP-ingested oauth-otel records, as stack/loki/loki-config.yaml indexes them:
 * service.name -> service_name and deployment.environment.name (set by src/init/resource.ts) ->
 * deployment_environment_name. (attributes.ts names the environment field `deployment_environment`,
 * which is what a JSON line carries; Loki's OTLP path keeps the `.name` suffix.)
 */
export const LOKI_INDEX_LABELS = ['service_name', 'deployment_environment_name'] as const;

/** Every field a LogQL query may filter or group on. */
export function logQueryFields(): Set<string> {
  return new Set([...LOG_QUERY_FIELDS, ...LOKI_INDEX_LABELS]);
}

/** Security events with their priority, from the package's event catalog (src/catalog/events.ts). */
export const SECURITY_EVENTS: Readonly<Record<string, 'P0' | 'P1' | 'P2' | 'P3'>> = Object.fromEntries(SECURITY_EVENT_DEFS.map((e) => [e.name, e.priority]));
export { EVENT_NAMES };

/** Closed value lists of log fields, where the schema fixes them. */
export const LOG_FIELD_VALUES: Readonly<Record<string, readonly string[]>> = {
  event: EVENT_NAMES,
  // The OTel EventName (dotted): Loki stores it as event_name from 3.8 on only.
  event_name: Object.values(EVENT_NAME_BY_FLAT),
  security_rule_name: SECURITY_RULE,
  security_rule_ruleset_name: [SECURITY_RULESET],
  oauth_security_severity: ['critical', 'high', 'medium', 'low'],
  priority: ['P0', 'P1', 'P2', 'P3'],
  severity_text: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
};

// ---------------------------------------------------------------------------------------------
// Values against closed lists

/**
 * Does a matcher value fit a closed list? `=`/`!=`: the value must be in the list. `=~`/`!~`:
 * the (fully anchored) regex must match at least one listed value, and every plain alternative
 * (`a|b|c` made only of literal characters) must itself be listed.
 */
export function valueProblems(op: string, value: string, allowed: readonly string[]): string[] {
  if (op === '=' || op === '!=') {
    return allowed.includes(value) ? [] : [`value "${value}" is not one of ${allowed.join(', ')}`];
  }
  const problems: string[] = [];
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${value})$`);
  } catch (e) {
    return [`invalid regex "${value}": ${(e as Error).message}`];
  }
  if (!allowed.some((v) => re.test(v))) problems.push(`regex "${value}" matches none of ${allowed.join(', ')}`);
  for (const alt of value.split('|')) {
    if (/^[A-Za-z0-9_:-]+$/.test(alt) && !allowed.includes(alt)) {
      problems.push(`alternative "${alt}" of "${value}" is not one of ${allowed.join(', ')}`);
    }
  }
  return problems;
}
