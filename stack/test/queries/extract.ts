/**
 * Finds every PromQL and LogQL expression the project ships: dashboard targets, annotations and
 * variable queries, Prometheus and Loki rule files, and ```promql / ```logql blocks in the docs and
 * READMEs. Each comes back with where it was found, so a failing check names its source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export type QueryLang = 'promql' | 'logql';

export type QueryKind =
  | 'dashboard-target'
  | 'dashboard-annotation'
  | 'dashboard-variable'
  | 'alert-rule'
  | 'recording-rule'
  | 'doc';

export interface ExtractedQuery {
  lang: QueryLang;
  kind: QueryKind;
  /** The expression as written (Grafana macros and variables not substituted). */
  expr: string;
  /** repo-relative file plus a locator, e.g. `dashboards/oauth-overview.json panel "Flow success" A`. */
  source: string;
  /** Alert or recording rule name, panel title, variable name. */
  name?: string;
  /** Dashboard targets: an instant query. */
  instant?: boolean;
  /** Dashboard variables: the label a `label_values(selector, label)` query reads. */
  variableLabel?: string;
}

export interface RuleEntry {
  file: string;
  group: string;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const rel = (file: string) => relative(REPO_ROOT, file);

// ---------------------------------------------------------------------------------------------
// Files

export const DASHBOARD_DIR = join(REPO_ROOT, 'dashboards');
export const PROMETHEUS_RULE_DIR = join(REPO_ROOT, 'stack', 'rules', 'prometheus');
export const LOKI_RULE_DIR = join(REPO_ROOT, 'stack', 'rules', 'loki');

const listFiles = (dir: string, suffix: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .sort()
        .map((f) => join(dir, f))
    : [];

export const dashboardFiles = () => listFiles(DASHBOARD_DIR, '.json');
export const prometheusRuleFiles = () => listFiles(PROMETHEUS_RULE_DIR, '.yml');
export const prometheusRuleTestFiles = () => listFiles(join(PROMETHEUS_RULE_DIR, 'tests'), '.yml');
export const lokiRuleFiles = () => listFiles(LOKI_RULE_DIR, '.yml');

/** Markdown files whose fenced ```promql / ```logql blocks are queries: docs/*.md and READMEs. */
export function markdownFiles(): string[] {
  const files = [...listFiles(join(REPO_ROOT, 'docs'), '.md')];
  for (const readme of [join(REPO_ROOT, 'README.md'), join(REPO_ROOT, 'packages', 'oauth-otel', 'README.md')]) {
    if (existsSync(readme)) files.push(readme);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Dashboards

interface RawTarget {
  refId?: string;
  expr?: string;
  instant?: boolean;
  exemplar?: boolean;
  datasource?: { type?: string; uid?: string };
}
interface RawPanel {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: RawTarget[];
  panels?: RawPanel[];
}
interface RawDashboard {
  title?: string;
  panels?: RawPanel[];
  templating?: { list?: { name: string; type: string; query?: unknown; datasource?: { type?: string } }[] };
  annotations?: { list?: { name: string; expr?: string; datasource?: { type?: string } }[] };
}

const LANG_OF_DATASOURCE: Record<string, QueryLang> = { prometheus: 'promql', loki: 'logql' };

export function readDashboard(file: string): RawDashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as RawDashboard;
}

export function extractDashboardQueries(file: string): ExtractedQuery[] {
  const dash = readDashboard(file);
  const out: ExtractedQuery[] = [];
  const visit = (panels: RawPanel[] | undefined) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        const type = t.datasource?.type ?? p.datasource?.type ?? '';
        const lang = LANG_OF_DATASOURCE[type];
        if (!lang || t.expr === undefined) continue;
        out.push({
          lang,
          kind: 'dashboard-target',
          expr: t.expr,
          source: `${rel(file)} panel "${p.title ?? ''}" ${t.refId ?? ''}`.trim(),
          name: p.title,
          instant: t.instant === true,
        });
      }
      visit(p.panels);
    }
  };
  visit(dash.panels);

  for (const a of dash.annotations?.list ?? []) {
    const lang = LANG_OF_DATASOURCE[a.datasource?.type ?? ''];
    if (lang && a.expr) {
      out.push({ lang, kind: 'dashboard-annotation', expr: a.expr, source: `${rel(file)} annotation "${a.name}"`, name: a.name });
    }
  }

  for (const v of dash.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const lang = LANG_OF_DATASOURCE[v.datasource?.type ?? ''];
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    if (!lang || !q) continue;
    const lv = parseLabelValues(q);
    if (!lv) continue;
    out.push({
      lang,
      kind: 'dashboard-variable',
      expr: lv.selector,
      source: `${rel(file)} variable "${v.name}"`,
      name: v.name,
      variableLabel: lv.label,
    });
  }
  return out;
}

/** `label_values(selector, label)` -> its parts (Grafana's Prometheus variable query). */
export function parseLabelValues(q: string): { selector: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(q);
  return m ? { selector: m[1]!, label: m[2]! } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules

export function readRules(file: string): RuleEntry[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as {
    groups?: { name: string; rules?: Record<string, unknown>[] }[];
  };
  const out: RuleEntry[] = [];
  for (const g of doc?.groups ?? []) {
    for (const r of g.rules ?? []) {
      out.push({
        file,
        group: g.name,
        alert: r.alert as string | undefined,
        record: r.record as string | undefined,
        expr: String(r.expr ?? ''),
        for: r.for as string | undefined,
        labels: (r.labels ?? {}) as Record<string, string>,
        annotations: (r.annotations ?? {}) as Record<string, string>,
      });
    }
  }
  return out;
}

export function extractRuleQueries(file: string, lang: QueryLang): ExtractedQuery[] {
  return readRules(file).map((r) => ({
    lang,
    kind: r.alert ? ('alert-rule' as const) : ('recording-rule' as const),
    expr: r.expr.trim(),
    source: `${rel(file)} ${r.alert ? 'alert' : 'record'} ${r.alert ?? r.record} (group ${r.group})`,
    name: r.alert ?? r.record,
  }));
}

/** Names of every recording rule in stack/rules/prometheus. */
export function recordingRuleNames(): string[] {
  return prometheusRuleFiles().flatMap((f) => readRules(f).flatMap((r) => (r.record ? [r.record] : [])));
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Fenced blocks tagged ```promql or ```logql. A block holds one query, or several separated by a
 * blank line; lines starting with `#` are comments (both languages accept them).
 */
export function extractMarkdownQueries(file: string, lang: QueryLang): ExtractedQuery[] {
  const text = readFileSync(file, 'utf8');
  const out: ExtractedQuery[] = [];
  const fence = new RegExp('^```' + lang + '[^\\S\\n]*\\n([\\s\\S]*?)^```[^\\S\\n]*$', 'gm');
  for (const m of text.matchAll(fence)) {
    const line = text.slice(0, m.index).split('\n').length;
    const chunks = m[1]!.split(/\n\s*\n/);
    for (const chunk of chunks) {
      const expr = chunk
        .split('\n')
        .filter((l) => !/^\s*#/.test(l))
        .join('\n')
        .trim();
      if (expr) out.push({ lang, kind: 'doc', expr, source: `${rel(file)}:${line}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Everything

export function allPromQL(): ExtractedQuery[] {
  return [
    ...dashboardFiles().flatMap((f) => extractDashboardQueries(f).filter((q) => q.lang === 'promql')),
    ...prometheusRuleFiles().flatMap((f) => extractRuleQueries(f, 'promql')),
    ...markdownFiles().flatMap((f) => extractMarkdownQueries(f, 'promql')),
  ];
}

export function allLogQL(): ExtractedQuery[] {
  return [
    ...dashboardFiles().flatMap((f) => extractDashboardQueries(f).filter((q) => q.lang === 'logql')),
    ...lokiRuleFiles().flatMap((f) => extractRuleQueries(f, 'logql')),
    ...markdownFiles().flatMap((f) => extractMarkdownQueries(f, 'logql')),
  ];
}
