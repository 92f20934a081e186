// Renders the reference tables of README.md and docs/*.md from the package's catalogs (built
// dist), so the docs have one source of truth. `node scripts/docs/generate.cjs` rewrites the
// marked regions; test/docs/docs.test.ts fails when a region is out of date.
const path = require('node:path');
const pkg = require(path.join(__dirname, '../../packages/oauth-otel/dist/index.js'));

const code = (s) => '`' + s + '`';

function labelText(domain) {
  if (domain === 'provider') return 'normalized issuer host, capped (default 50), then `other`';
  return domain.map(code).join(', ');
}

/** The metric reference: every catalog entry with type, labels, buckets, help. */
function metricsTable() {
  const rows = ['| Metric | Type | Labels | Buckets (s) | Help | Origin |', '|---|---|---|---|---|---|'];
  for (const d of pkg.METRIC_DEFINITIONS) {
    const labels = Object.keys(d.labels).map(code).join(', ') || '–';
    const type = d.kind === 'observable_gauge' ? 'gauge' : d.kind;
    rows.push(`| ${code(d.name)} | ${type} | ${labels} | ${d.buckets ? d.buckets.join(', ') : '–'} | ${d.help} | ${d.origin === 'seed' ? 'seed' : 'added'} |`);
  }
  return rows.join('\n');
}

/** Allowed values of every label, per metric. */
function labelValuesTable() {
  const rows = ['| Metric | Label | Values |', '|---|---|---|'];
  for (const d of pkg.METRIC_DEFINITIONS) for (const [l, dom] of Object.entries(d.labels)) rows.push(`| ${code(d.name)} | ${code(l)} | ${labelText(dom)} |`);
  return rows.join('\n');
}

function logFieldsTable() {
  const rows = ['| Field (JSON key / OTLP key) | LogQL name | Where in OTLP | Type | Meaning |', '|---|---|---|---|---|'];
  for (const f of pkg.LOG_FIELDS) rows.push(`| ${code(f.key)} | ${code(f.query)} | ${f.source} | ${f.type} | ${f.description} |`);
  return rows.join('\n');
}

function eventsTable() {
  const rows = ['| Event (`event`) | OTel EventName | Kind | Level | Severity / priority | Meaning |', '|---|---|---|---|---|---|'];
  const sevNum = (level) => `${level} (${pkg.LEVEL_SEVERITY_NUMBER[level]})`;
  for (const e of pkg.SECURITY_EVENTS) rows.push(`| ${code(e.name)} | ${code(e.eventName)} | security (${code(e.type)}) | ${sevNum(e.level)} | ${e.severity} / ${e.priority} | ${e.description} |`);
  for (const e of pkg.OPERATION_EVENTS) rows.push(`| ${code(e.name)} | ${code(e.eventName)} | operation | ${sevNum(e.level)} | – | ${e.description} |`);
  return rows.join('\n');
}

/** The OWASP / RFC mapping of every security event (security_rule.*). */
function securityRulesTable() {
  const rows = ['| Event | `security_rule.name` (OWASP) | `security_rule.reference` |', '|---|---|---|'];
  for (const e of pkg.SECURITY_EVENTS) rows.push(`| ${code(e.name)} | ${code(e.security.rule)} | ${e.security.reference} |`);
  return rows.join('\n');
}

/** Every alert of stack/rules: its rule file and the runbook anchor its runbook_url names. */
function alertIndex() {
  const fs = require('node:fs');
  const YAML = require('yaml');
  const root = path.join(__dirname, '../..');
  const out = new Map();
  for (const dir of ['stack/rules/prometheus', 'stack/rules/loki']) {
    for (const f of fs.readdirSync(path.join(root, dir)).filter((n) => n.endsWith('.yml')).sort()) {
      for (const g of YAML.parse(fs.readFileSync(path.join(root, dir, f), 'utf8')).groups ?? []) {
        for (const r of g.rules ?? []) {
          if (r.alert === undefined || out.has(r.alert)) continue;
          const anchor = String(r.annotations?.runbook_url ?? '').split('#')[1] ?? r.alert.toLowerCase();
          out.set(r.alert, { file: `${dir}/${f}`, anchor });
        }
      }
    }
  }
  return out;
}

/** Threat → RFC section → signal (events, metric) → alert → demo (catalog/threats.ts). */
function threatsTable() {
  const index = alertIndex();
  const rows = ['| Threat | Reference | Events | Metric | Alerts | Attack demo |', '|---|---|---|---|---|---|'];
  for (const t of pkg.THREAT_DEFINITIONS) {
    const events = t.events.map((k) => code(pkg.EVENTS[k].name)).join(', ');
    const alerts = t.alerts.length === 0 ? '– (dashboard only)' : t.alerts.map((a) => `[${a}](../${index.get(a)?.file}) ([runbook](runbook.md#${index.get(a)?.anchor}))`).join(', ');
    rows.push(`| ${t.title} | ${t.reference} | ${events} | ${code(t.metric)} | ${alerts} | [${path.basename(t.demo)}](../${t.demo}) |`);
  }
  return rows.join('\n');
}

const REGIONS = {
  threats: threatsTable,
  metrics: metricsTable,
  'label-values': labelValuesTable,
  'log-fields': logFieldsTable,
  events: eventsTable,
  'security-rules': securityRulesTable,
};

/** Replaces every `<!-- name:start -->…<!-- name:end -->` region of `text` with its rendering. */
function renderRegions(text) {
  return text.replace(/<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g, (whole, name) => {
    const fn = REGIONS[name];
    if (!fn) return whole;
    return `<!-- ${name}:start -->\n${fn()}\n<!-- ${name}:end -->`;
  });
}

const FILES = ['README.md', 'docs/metrics.md', 'docs/logs.md', 'docs/threats.md'];

module.exports = { renderRegions, FILES, REGIONS, alertIndex };
