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

const REGIONS = {
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

const FILES = ['README.md', 'docs/metrics.md', 'docs/logs.md'];

module.exports = { renderRegions, FILES, REGIONS };
