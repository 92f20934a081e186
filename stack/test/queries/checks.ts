/**
 * Static checks of one PromQL or LogQL query against the catalogs. Each returns a list of
 * problems (empty when the query is fine), phrased for a test failure message.
 */
import { LOG_FIELDS } from '../../../packages/oauth-otel/src/catalog';
import { METRIC_DEFINITIONS } from '../../../packages/oauth-otel/src/catalog';
import {
  ALWAYS_ALLOWED_LABELS,
  LOG_FIELD_VALUES,
  LOKI_INDEX_LABELS,
  logQueryFields,
  seriesCatalog,
  valueProblems,
  type SeriesSpec,
} from './catalog';
import { readDashboard, type ExtractedQuery } from './extract';
import { substituteGrafana } from './grafana';
import { analyzeLogQL } from './logql';
import { analyzePromQL, parsePromQL } from './promql';

let catalogCache: Map<string, SeriesSpec> | undefined;
const catalog = () => (catalogCache ??= seriesCatalog());

/** allValue (else `.*`) of each variable of the dashboard a query came from. */
export function dashboardVariableValues(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of (readDashboard(file).templating?.list ?? []) as { name: string; allValue?: string; type: string }[]) {
    out[v.name] = v.type === 'textbox' ? '0af7651916cd43dd8448eb211c80319c' : (v.allValue ?? '.*');
  }
  return out;
}

/** The query as Grafana would send it with every variable on "All" (textboxes filled in). */
export function runnable(q: ExtractedQuery): string {
  const file = q.source.split(' ')[0]!;
  const variables = q.kind.startsWith('dashboard') ? dashboardVariableValues(`${__dirname}/../../../${file}`) : {};
  return substituteGrafana(q.expr, { variables });
}

// ---------------------------------------------------------------------------------------------
// PromQL

const COUNTER_LIKE = new Set<string>();
const GAUGES = new Set<string>();
for (const d of METRIC_DEFINITIONS) {
  if (d.kind === 'counter') COUNTER_LIKE.add(d.name);
  else if (d.kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) COUNTER_LIKE.add(d.name + s);
  else GAUGES.add(d.name);
}

export function checkPromQL(q: ExtractedQuery): string[] {
  const expr = runnable(q);
  const a = analyzePromQL(expr);
  const problems = [...a.errors];
  const cat = catalog();
  const labelsInExpr = new Set<string>([...ALWAYS_ALLOWED_LABELS, ...a.createdLabels]);

  for (const sel of a.selectors) {
    const where = `selector ${sel.text}`;
    if (!sel.metric) {
      // a selector by labels only, e.g. {otel_metric_overflow="true"}
      for (const m of sel.matchers) {
        const known = [...cat.values()].some((s) => s.labels.has(m.label)) || ALWAYS_ALLOWED_LABELS.has(m.label);
        if (!known) problems.push(`${where}: label ${m.label} exists on no metric`);
        labelsInExpr.add(m.label);
      }
      continue;
    }
    const spec = cat.get(sel.metric);
    if (!spec) {
      problems.push(`${where}: metric ${sel.metric} is not in the catalog (src/catalog/metrics.ts), not a recording rule and not target_info/up/ALERTS`);
      continue;
    }
    for (const l of spec.labels.keys()) labelsInExpr.add(l);
    for (const m of sel.matchers) {
      if (m.label === '__name__') continue;
      const dom = spec.labels.get(m.label) ?? (spec.labels.has('*') ? 'any' : undefined);
      if (dom === undefined) {
        problems.push(`${where}: ${sel.metric} has no label ${m.label} (labels: ${[...spec.labels.keys()].join(', ')})`);
        continue;
      }
      if (dom !== 'any') for (const p of valueProblems(m.op, m.value, dom)) problems.push(`${where}: ${m.label}: ${p}`);
    }
  }
  for (const l of a.groupingLabels) {
    if (!labelsInExpr.has(l)) problems.push(`grouping/joining label ${l} is not a label of any metric the query reads`);
  }

  // rate()/irate()/increase() only on counters and histogram series, never on gauges
  const tree = parsePromQL(expr);
  tree.iterate({
    enter(ref) {
      if (ref.name === 'OffsetExpr' && ref.node.firstChild?.name === 'BinaryExpr') {
        problems.push(
          `"${expr.slice(ref.from, ref.to).replace(/\s+/g, ' ').slice(0, 60)}": write (selector offset d) in parentheses; lezer-promql (Prometheus' UI grammar) applies a bare offset to the whole binary expression`,
        );
      }
      if (ref.name !== 'FunctionCall') return undefined;
      const fid = ref.node.getChild('FunctionIdentifier');
      const fname = fid ? expr.slice(fid.from, fid.to) : '';
      if (!['rate', 'irate', 'increase', 'resets'].includes(fname)) return undefined;
      const body = ref.node.getChild('FunctionCallBody');
      const vs = body?.getChild('MatrixSelector')?.getChild('VectorSelector');
      const id = vs?.getChild('Identifier');
      const metric = id ? expr.slice(id.from, id.to) : undefined;
      if (metric && GAUGES.has(metric)) problems.push(`${fname}() on gauge ${metric}: gauges go up and down; use the value, max/avg_over_time or deriv()`);
      return undefined;
    },
  });

  // Alerts: a counter compared without a window stays true for ever (seed defect 15).
  if (q.kind === 'alert-rule') {
    const readsCounter = a.selectors.some((s) => s.metric && COUNTER_LIKE.has(s.metric));
    const windowed = a.functions.some((f) => ['increase', 'rate', 'irate'].includes(f));
    if (readsCounter && !windowed) problems.push('alert reads a counter without increase()/rate(): it would latch');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// LogQL

const FIELD_TYPE = new Map(LOG_FIELDS.map((f) => [f.query, f.type] as const));

export function checkLogQL(q: ExtractedQuery): string[] {
  const expr = runnable(q);
  const a = analyzeLogQL(expr);
  const problems = [...a.errors];
  const fields = logQueryFields();

  if (a.streamMatchers.length === 0 && a.errors.length === 0) problems.push('no stream selector');
  for (const m of a.streamMatchers) {
    if (!(LOKI_INDEX_LABELS as readonly string[]).includes(m.label)) {
      problems.push(`stream selector on ${m.label}: the index labels are ${LOKI_INDEX_LABELS.join(', ')}; filter other fields after a |`);
    }
  }
  const nonEmpty = a.streamMatchers.some(
    (m) => (m.op === '=' && m.value !== '') || (m.op === '=~' && !new RegExp(`^(?:${m.value})$`).test('')),
  );
  if (a.streamMatchers.length > 0 && !nonEmpty) {
    problems.push('Loki needs at least one stream matcher that does not match the empty string (e.g. service_name=~".+")');
  }
  for (const p of a.parsers) problems.push(`parser stage "${p}": OTLP records carry their fields as structured metadata, filter them without a parser`);

  for (const f of a.labelFilters) {
    if (!fields.has(f.label)) {
      problems.push(`filter on ${f.label}: not a field of the log schema (LOG_QUERY_FIELDS)`);
      continue;
    }
    const type = FIELD_TYPE.get(f.label) ?? 'string';
    if (f.numeric && type !== 'number') problems.push(`numeric filter on ${f.label}, which is a ${type}`);
    if (!f.numeric && LOG_FIELD_VALUES[f.label]) {
      for (const p of valueProblems(f.op, f.value, LOG_FIELD_VALUES[f.label]!)) problems.push(`${f.label}: ${p}`);
    }
  }
  for (const l of a.groupingLabels) if (!fields.has(l)) problems.push(`grouping by ${l}: not a field of the log schema`);
  for (const l of a.unwrapLabels) {
    if (FIELD_TYPE.get(l) !== 'number') problems.push(`unwrap ${l}: not a numeric field of the log schema`);
  }
  return problems;
}
