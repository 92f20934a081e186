#!/usr/bin/env node
// Generates the four Grafana dashboards of oauth-otel from one description, so that datasource
// references, variables, selectors and panel options stay consistent.
//
//   node dashboards/generate.mjs           write dashboards/*.json
//   node dashboards/generate.mjs --check   exit 1 if a committed JSON differs from the output
//
// Metric and event names are read from the package catalog (packages/oauth-otel/src/catalog/, built
// to dist/); labels and log fields follow catalog/vocabularies.ts and catalog/attributes.ts. stack/test/dashboards.test.ts
// and logql.test.ts check every query against them; stack/tools/dashboard-check validates the JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
// Names come from the package catalog (built: `npm run build`), never typed here.
const { METRICS, EVENTS } = createRequire(import.meta.url)('../packages/oauth-otel/dist/catalog/index.js');
/** Metric key → Prometheus name. */
const N = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, d.name]));
/** Operation failures, for the "failed operations" log panel. */
const FAILURE_EVENTS = [EVENTS.flowFailure, EVENTS.discoveryFailure, EVENTS.registrationFailure, EVENTS.tokenRefreshFailure, EVENTS.tokenEndpointError, EVENTS.pkceValidationFailure, EVENTS.scheduledRefreshFailed]
  .map((e) => e.name)
  .join('|');
const SCHEMA_VERSION = 39;

// ---------------------------------------------------------------------------------------------
// Datasources, variables, selectors
const PROM = { type: 'prometheus', uid: '${datasource}' };
const LOKI = { type: 'loki', uid: '${loki_datasource}' };

/** Target labels of the scrape config, for PromQL. */
const S = 'service=~"$service", environment=~"$environment"';
/** The same, with the provider variable (metrics that have a provider label). */
const SP = `${S}, provider=~"$provider"`;
/** Loki stream selector on the two index labels. */
const LS = '{service_name=~"$service", deployment_environment_name=~"$environment"}';

function datasourceVariable(name, label, plugin) {
  return {
    type: 'datasource',
    name,
    label,
    query: plugin,
    current: { selected: false, text: 'default', value: 'default' },
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

function queryVariable(name, label, query, description, allValue = '.*') {
  return {
    type: 'query',
    name,
    label,
    description,
    datasource: PROM,
    query,
    definition: query,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    allValue,
    multi: true,
    options: [],
    refresh: 2,
    regex: '',
    skipUrlSync: false,
    sort: 1,
  };
}

const VARIABLES = [
  datasourceVariable('datasource', 'Prometheus', 'prometheus'),
  datasourceVariable('loki_datasource', 'Loki', 'loki'),
  queryVariable(
    'service',
    'Service',
    'label_values(oauth_active_tokens, service)',
    'The `service` target label of the scrape config, of targets that export oauth-otel metrics (oauth_active_tokens is a gauge every oauth-otel process exports from start), so the collector and other scraped jobs are not listed. Loki panels match it against the service_name index label (service.name). "All" is .+ because Loki needs one non-empty stream matcher.',
    '.+',
  ),
  queryVariable(
    'environment',
    'Environment',
    'label_values(oauth_active_tokens{service=~"$service"}, environment)',
    'The `environment` target label of the scrape config; Loki panels match it against deployment_environment_name (deployment.environment.name).',
  ),
  queryVariable(
    'provider',
    'Provider',
    'label_values(oauth_flows_started_total{service=~"$service", environment=~"$environment"}, provider)',
    'Normalized OAuth provider (issuer host or configured name) of oauth_flows_started_total.',
  ),
];

const TRACE_VARIABLE = {
  type: 'textbox',
  name: 'trace_id',
  label: 'Trace ID',
  description: 'A trace id (32 hex digits) to list every log record of that trace.',
  query: '',
  current: { selected: false, text: '', value: '' },
  hide: 0,
  options: [],
  skipUrlSync: false,
};

const ANNOTATIONS = {
  list: [
    {
      builtIn: 1,
      datasource: { type: 'grafana', uid: '-- Grafana --' },
      enable: true,
      hide: true,
      iconColor: 'rgba(0, 211, 255, 1)',
      name: 'Annotations & Alerts',
      type: 'dashboard',
    },
    {
      datasource: PROM,
      enable: true,
      hide: false,
      iconColor: 'red',
      name: 'OAuth alerts',
      expr: `ALERTS{alertname=~"OAuth.*", alertstate="firing", ${S}}`,
      step: '60s',
      titleFormat: '{{alertname}}',
      textFormat: '{{severity}} {{priority}}',
      tagKeys: 'severity,priority',
      useValueForTime: false,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// PromQL helpers

/**
 * Increase of a counter over R that also counts series born inside R (a counter series appears
 * at its first increment, which increase() cannot see). See stack/rules/prometheus/oauth-alerts.yml.
 */
function countOver(sel, range = '$__range') {
  return `((${sel} unless (${sel} offset ${range})) and on (job, instance) (up offset ${range})) or increase(${sel}[${range}])`;
}

/** success / outcomes over the dashboard range; 0 (not "no data") when no success series exists. */
function successRatio(metric, successSel, outcomeSel) {
  const ok = `sum(${countOver(`${metric}{${successSel}}`)})`;
  const all = `sum(${countOver(`${metric}{${outcomeSel}}`)})`;
  return `(${ok} or 0 * ${all}) / ${all}`;
}

const quantile = (q, metric, by, sel) =>
  `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}_bucket{${sel}}[$__rate_interval])))`;

// ---------------------------------------------------------------------------------------------
// Panel builders

let nextId = 1;
let refIdx = 0;
const refId = () => String.fromCharCode(65 + refIdx++);

/**
 * `exemplar: true` shows the buckets' exemplars (trace ids, from oauth-otel's OpenMetrics exposition)
 * as points on the panel; the Prometheus datasource links their trace_id to the trace store. One
 * target per panel asks for them (each such target fetches the same exemplars).
 */
function promTarget(expr, legendFormat = '', { instant = false, exemplar = false } = {}) {
  return {
    refId: refId(),
    datasource: PROM,
    editorMode: 'code',
    expr,
    legendFormat: legendFormat || '__auto',
    range: !instant,
    instant,
    ...(exemplar ? { exemplar: true } : {}),
  };
}

function lokiTarget(expr, legendFormat, { instant = false, maxLines } = {}) {
  const t = { refId: refId(), datasource: LOKI, editorMode: 'code', expr, queryType: instant ? 'instant' : 'range' };
  if (legendFormat) t.legendFormat = legendFormat;
  if (maxLines) t.maxLines = maxLines;
  return t;
}

function thresholds(steps) {
  return { mode: 'absolute', steps: steps.map(([value, color]) => ({ value, color })) };
}

function panel(type, title, description, gridPos, datasource, targetFns, options, fieldConfig) {
  refIdx = 0;
  const p = {
    id: nextId++,
    type,
    title,
    description,
    gridPos,
    datasource,
    targets: targetFns.map((f) => f()),
    options,
  };
  if (fieldConfig) p.fieldConfig = fieldConfig;
  return p;
}

const reduceLast = { calcs: ['lastNotNull'], fields: '', values: false };

function stat(title, description, gridPos, targets, { unit = 'short', steps, decimals } = {}) {
  const defaults = {
    unit,
    color: { mode: 'thresholds' },
    thresholds: thresholds(steps ?? [[null, 'green']]),
    mappings: [],
  };
  if (decimals !== undefined) defaults.decimals = decimals;
  return panel(
    'stat',
    title,
    description,
    gridPos,
    PROM,
    targets,
    {
      graphMode: 'none',
      colorMode: 'background',
      justifyMode: 'auto',
      textMode: 'value',
      wideLayout: true,
      showPercentChange: false,
      reduceOptions: reduceLast,
      percentChangeColorMode: 'standard',
      orientation: 'auto',
    },
    { defaults, overrides: [] },
  );
}

function timeseries(title, description, gridPos, targets, { unit = 'short', datasource = PROM, steps, bars = false, stack = false } = {}) {
  const defaults = {
    unit,
    color: { mode: 'palette-classic' },
    custom: {
      drawStyle: bars ? 'bars' : 'line',
      lineWidth: 1,
      fillOpacity: bars ? 80 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: stack ? 'normal' : 'none', group: 'A' },
      axisPlacement: 'auto',
      axisSoftMin: 0,
    },
    mappings: [],
  };
  if (steps) {
    defaults.thresholds = thresholds(steps);
    defaults.custom.thresholdsStyle = { mode: 'line+area' };
  }
  return panel(
    'timeseries',
    title,
    description,
    gridPos,
    datasource,
    targets,
    {
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    { defaults, overrides: [] },
  );
}

function bargauge(title, description, gridPos, targets, { unit = 'short', steps } = {}) {
  return panel(
    'bargauge',
    title,
    description,
    gridPos,
    PROM,
    targets,
    {
      displayMode: 'gradient',
      valueMode: 'color',
      namePlacement: 'auto',
      showUnfilled: true,
      sizing: 'auto',
      minVizWidth: 8,
      minVizHeight: 16,
      legend: { displayMode: 'list', placement: 'bottom', showLegend: false, calcs: [] },
      reduceOptions: reduceLast,
      maxVizHeight: 300,
      orientation: 'horizontal',
    },
    {
      defaults: { unit, color: { mode: 'thresholds' }, thresholds: thresholds(steps ?? [[null, 'blue']]), min: 0, mappings: [] },
      overrides: [],
    },
  );
}

function piechart(title, description, gridPos, datasource, targets) {
  return panel(
    'piechart',
    title,
    description,
    gridPos,
    datasource,
    targets,
    {
      pieType: 'donut',
      tooltip: { mode: 'single', sort: 'none' },
      reduceOptions: reduceLast,
      legend: { values: ['value'], displayMode: 'table', placement: 'right', showLegend: true, calcs: [] },
      orientation: 'auto',
    },
    { defaults: { unit: 'short', color: { mode: 'palette-classic' }, mappings: [] }, overrides: [] },
  );
}

function logs(title, description, gridPos, expr) {
  return panel('logs', title, description, gridPos, LOKI, [() => lokiTarget(expr, undefined, { maxLines: 1000 })], {
    showLabels: false,
    showCommonLabels: false,
    showTime: true,
    showLogContextToggle: true,
    wrapLogMessage: true,
    prettifyLogMessage: false,
    enableLogDetails: true,
    sortOrder: 'Descending',
    dedupStrategy: 'none',
  });
}

function dashboard({ uid, title, description, refresh, time = 'now-6h', panels, traceVariable = false }) {
  const list = [...VARIABLES];
  if (traceVariable) list.push(TRACE_VARIABLE);
  return {
    uid,
    title,
    description,
    tags: ['oauth-otel', 'oauth'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    time: { from: time, to: 'now' },
    timepicker: {},
    links: [
      {
        title: 'OAuth dashboards',
        type: 'dashboards',
        tags: ['oauth-otel'],
        asDropdown: true,
        icon: 'external link',
        includeVars: true,
        keepTime: true,
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: { list },
    annotations: ANNOTATIONS,
    panels,
  };
}

const g = (x, y, w, h) => ({ x, y, w, h });

// ---------------------------------------------------------------------------------------------
// OAuth Overview

function overview() {
  nextId = 1;
  const outcome = `status=~"success|failure"`;
  const panels = [
    stat(
      'Flow success',
      'Successful authorization flows / finished flows (success + failure) over the dashboard range. Flow starts are not outcomes and are not counted. SLO: 95%.',
      g(0, 0, 6, 4),
      [() => promTarget(successRatio(N.flows, `status="success", ${SP}`, `${outcome}, ${SP}`), 'Flow success', { instant: true })],
      { unit: 'percentunit', decimals: 2, steps: [[null, 'red'], [0.95, 'yellow'], [0.98, 'green']] },
    ),
    stat(
      'Refresh success',
      'Successful refreshes / all refresh outcomes (success, failure, reuse_detected) over the dashboard range. SLO: 99%.',
      g(6, 0, 6, 4),
      [
        () =>
          promTarget(
            successRatio(N.tokenRefresh, `status="success", ${S}`, `status=~"success|failure|reuse_detected", ${S}`),
            'Refresh success',
            { instant: true },
          ),
      ],
      { unit: 'percentunit', decimals: 2, steps: [[null, 'red'], [0.99, 'yellow'], [0.995, 'green']] },
    ),
    stat(
      'PKCE validation success',
      'Valid PKCE state validations / all validations over the dashboard range. SLO: 98%.',
      g(12, 0, 6, 4),
      [() => promTarget(successRatio(N.pkceValidations, `status="success", ${S}`, `${outcome}, ${S}`), 'PKCE success', { instant: true })],
      { unit: 'percentunit', decimals: 2, steps: [[null, 'red'], [0.98, 'yellow'], [0.99, 'green']] },
    ),
    stat(
      'Critical security events',
      'P0 security events (token reuse, code injection) over the dashboard range. Anything above 0 needs a look: see the OAuth Security dashboard.',
      g(18, 0, 6, 4),
      [() => promTarget(`sum(${countOver(`oauth_security_events_total{severity="critical", ${S}}`)}) or vector(0)`, 'Critical events', { instant: true })],
      { steps: [[null, 'green'], [1, 'red']], decimals: 0 },
    ),
    timeseries(
      'Operations per minute',
      'Flow starts and outcomes, token refreshes, PKCE validations, discovery and dynamic client registration, per minute.',
      g(0, 4, 12, 9),
      [
        () => promTarget(`sum(rate(${N.flowsStarted}{${SP}}[$__rate_interval])) * 60`, 'Flows started'),
        () => promTarget(`sum by (status) (rate(${N.flows}{${SP}}[$__rate_interval])) * 60`, 'Flows {{status}}'),
        () => promTarget(`sum(rate(${N.tokenRefresh}{${S}}[$__rate_interval])) * 60`, 'Token refreshes'),
        () => promTarget(`sum(rate(${N.pkceValidations}{${S}}[$__rate_interval])) * 60`, 'PKCE validations'),
        () => promTarget(`sum(rate(${N.discoveryAttempts}{${S}}[$__rate_interval])) * 60`, 'Discovery'),
        () => promTarget(`sum(rate(${N.clientRegistrations}{${S}}[$__rate_interval])) * 60`, 'Client registrations'),
      ],
      { unit: 'opm' },
    ),
    timeseries(
      'Errors per minute',
      'Failed flows by reason, failed and reused token refreshes, failed PKCE validations and token endpoint errors, per minute.',
      g(12, 4, 12, 9),
      [
        () => promTarget(`sum by (reason) (rate(${N.flowFailures}{${SP}}[$__rate_interval])) * 60`, 'Flow failure: {{reason}}'),
        () => promTarget(`sum by (status) (rate(${N.tokenRefresh}{status=~"failure|reuse_detected", ${S}}[$__rate_interval])) * 60`, 'Refresh {{status}}'),
        () => promTarget(`sum(rate(${N.pkceValidations}{status="failure", ${S}}[$__rate_interval])) * 60`, 'PKCE validation failure'),
        () => promTarget(`sum by (grant_type) (rate(${N.tokenEndpointErrors}{${SP}}[$__rate_interval])) * 60`, 'Token endpoint error ({{grant_type}})'),
      ],
      { unit: 'opm' },
    ),
    timeseries(
      'Active tokens and PKCE states',
      'Gauges per instance: tokens tracked as active, PKCE states waiting for their callback, tokens expiring soon. Gauges are shown as they are, never through rate().',
      g(0, 13, 12, 8),
      [
        () => promTarget(`${N.activeTokens}{${S}}`, 'Active tokens {{instance}}'),
        () => promTarget(`${N.activePkceStates}{${S}}`, 'Pending PKCE states {{instance}}'),
        () => promTarget(`${N.tokensExpiringSoon}{${S}}`, 'Expiring soon {{instance}}'),
      ],
    ),
    timeseries(
      'Telemetry dropped per minute',
      'Inputs oauth-otel had to drop or coerce (invalid values, unknown labels mapped to other, provider cap, queue full, export failures). Should stay at 0.',
      g(12, 13, 12, 8),
      [() => promTarget(`sum by (signal, reason) (rate(${N.telemetryDropped}{${S}}[$__rate_interval])) * 60`, '{{signal}}: {{reason}}')],
      { unit: 'opm', bars: true },
    ),
    // The recording rules of stack/rules/prometheus/oauth-recording.yml: the same series the alerts
    // compare, so the panel shows what the alert saw (5m windows, by service and environment).
    timeseries(
      'SLO success ratios (5m, recording rules)',
      'oauth:flow_success_rate:5m, oauth:refresh_success_rate:5m and oauth:pkce_success_rate:5m: the series OAuthFlowSuccessRateLow compares with 95%. 0 when every outcome failed, no value when there was no outcome.',
      g(0, 21, 12, 8),
      [
        () => promTarget(`oauth:flow_success_rate:5m{${S}}`, 'Flows {{service}}'),
        () => promTarget(`oauth:refresh_success_rate:5m{${S}}`, 'Refreshes {{service}}'),
        () => promTarget(`oauth:pkce_success_rate:5m{${S}}`, 'PKCE {{service}}'),
      ],
      { unit: 'percentunit', steps: [[null, 'red'], [0.95, 'transparent']] },
    ),
    timeseries(
      'Flow and refresh latency (p95, p99; recording rules)',
      'oauth:flow_duration_seconds:p95/p99 and oauth:refresh_duration_seconds:p95/p99 (5m windows): the series OAuthTokenRefreshSlow compares with 5 s.',
      g(12, 21, 12, 8),
      [
        () => promTarget(`oauth:flow_duration_seconds:p95{${S}}`, 'Flow p95 {{service}}'),
        () => promTarget(`oauth:flow_duration_seconds:p99{${S}}`, 'Flow p99 {{service}}'),
        () => promTarget(`oauth:refresh_duration_seconds:p95{${S}}`, 'Refresh p95 {{service}}'),
        () => promTarget(`oauth:refresh_duration_seconds:p99{${S}}`, 'Refresh p99 {{service}}'),
      ],
      { unit: 's' },
    ),
    // The authorization server's own metrics (oauth-otel/oidc-provider adapter, oauth_server_*).
    timeseries(
      'Authorization server: tokens issued per minute',
      'Successful token endpoint responses of the authorization server (oauth_server_tokens_issued_total) by grant type, per minute.',
      g(0, 29, 8, 8),
      [() => promTarget(`sum by (grant_type) (rate(oauth_server_tokens_issued_total{${S}}[$__rate_interval])) * 60`, '{{grant_type}}')],
      { unit: 'opm' },
    ),
    timeseries(
      'Authorization server: error responses per minute',
      'Error responses of the authorization server (oauth_server_errors_total) by endpoint and OAuth error code, per minute. server_error is the AS failing (alert OAuthServerInternalErrors).',
      g(8, 29, 8, 8),
      [() => promTarget(`sum by (endpoint, error) (rate(oauth_server_errors_total{${S}}[$__rate_interval])) * 60`, '{{endpoint}}: {{error}}')],
      { unit: 'opm', bars: true, stack: true },
    ),
    timeseries(
      'Authorization server: token endpoint error share',
      'Errors / (errors + tokens issued) of the token endpoint; alert OAuthServerTokenErrorRateHigh above 25 % for 10 minutes.',
      g(16, 29, 8, 8),
      [
        () =>
          promTarget(
            `sum(rate(oauth_server_errors_total{endpoint="token", ${S}}[$__rate_interval])) / (sum(rate(oauth_server_errors_total{endpoint="token", ${S}}[$__rate_interval])) + (sum(rate(oauth_server_tokens_issued_total{${S}}[$__rate_interval])) or 0 * sum(rate(oauth_server_errors_total{endpoint="token", ${S}}[$__rate_interval]))))`,
            'Token endpoint errors',
          ),
      ],
      { unit: 'percentunit', steps: [[null, 'green'], [0.25, 'orange']] },
    ),
    bargauge(
      'Authorization server: refresh-token reuse and grant revocations',
      'Over the dashboard range: refresh-token reuses the AS detected by classification (suspected_theft pages: OAuthServerRefreshTokenReuse), and grants it revoked by reason.',
      g(0, 37, 12, 8),
      [
        () => promTarget(`sum by (classification) (${countOver(`oauth_server_refresh_token_reuse_total{${S}}`)})`, 'Reuse: {{classification}}', { instant: true }),
        () => promTarget(`sum by (reason) (${countOver(`oauth_server_grant_revocations_total{${S}}`)})`, 'Revoked: {{reason}}', { instant: true }),
      ],
      { steps: [[null, 'orange']] },
    ),
    bargauge(
      'Authorization server: dynamic client registrations',
      'RFC 7591 registrations handled by the AS over the dashboard range, by outcome and OAuth error code (none on success).',
      g(12, 37, 12, 8),
      [() => promTarget(`sort_desc(sum by (status, error) (${countOver(`oauth_server_client_registrations_total{${S}}`)}))`, '{{status}} ({{error}})', { instant: true })],
    ),
  ];
  return dashboard({
    uid: 'oauth-otel-overview',
    title: 'OAuth Overview',
    description: 'oauth-otel: OAuth 2.1 client SLOs, traffic, errors and gauges; the authorization server (oauth_server_*).',
    refresh: '30s',
    panels,
  });
}

// ---------------------------------------------------------------------------------------------
// OAuth Security

function security() {
  nextId = 1;
  const ev = (type) => `sum(${countOver(`oauth_security_events_total{event_type="${type}", ${S}}`)}) or vector(0)`;
  const bySeverity = (sev) => `sum(${countOver(`oauth_security_events_total{severity="${sev}", ${S}}`)}) or vector(0)`;
  const panels = [
    stat('Refresh-token reuse', 'token_reuse security events (P0) over the dashboard range.', g(0, 0, 6, 4), [() => promTarget(ev('token_reuse'), 'Token reuse', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Code injection attempts', 'code_injection security events (P0) over the dashboard range.', g(6, 0, 6, 4), [() => promTarget(ev('code_injection'), 'Code injection', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Integrity violations', 'integrity_violation security events (P1) over the dashboard range.', g(12, 0, 6, 4), [() => promTarget(ev('integrity_violation'), 'Integrity', { instant: true })], {
      steps: [[null, 'green'], [1, 'yellow']],
      decimals: 0,
    }),
    stat('Ownership violations', 'ownership_violation security events (P1) over the dashboard range.', g(18, 0, 6, 4), [() => promTarget(ev('ownership_violation'), 'Ownership', { instant: true })], {
      steps: [[null, 'green'], [1, 'yellow']],
      decimals: 0,
    }),
    timeseries(
      'Security events per minute by type',
      'oauth_security_events_total by event_type and severity, per minute.',
      g(0, 4, 16, 9),
      [() => promTarget(`sum by (event_type, severity) (rate(${N.securityEvents}{${S}}[$__rate_interval])) * 60`, '{{event_type}} ({{severity}})')],
      { unit: 'opm', bars: true, stack: true },
    ),
    bargauge(
      'Security events by priority',
      'Events over the dashboard range by priority. The metric carries severity; each event type has a fixed severity: critical = P0, high = P1, medium = P2, low = P3.',
      g(16, 4, 8, 9),
      [
        () => promTarget(bySeverity('critical'), 'P0 (critical)', { instant: true }),
        () => promTarget(bySeverity('high'), 'P1 (high)', { instant: true }),
        () => promTarget(bySeverity('medium'), 'P2 (medium)', { instant: true }),
        () => promTarget(bySeverity('low'), 'P3 (low)', { instant: true }),
      ],
    ),
    bargauge(
      'Security events by type',
      'Events over the dashboard range by event_type, highest first.',
      g(0, 13, 8, 10),
      [() => promTarget(`sort_desc(sum by (event_type) (${countOver(`oauth_security_events_total{${S}}`)}))`, '{{event_type}}', { instant: true })],
    ),
    timeseries(
      'Security events per minute (logs)',
      'Security event log records (every record with a priority field) by event name, from Loki, per minute whatever the panel interval: rate() is per second, times 60.',
      g(8, 13, 16, 10),
      [() => lokiTarget(`sum by (event) (rate(${LS} | priority=~"P0|P1|P2|P3" [$__interval])) * 60`, '{{event}}')],
      { unit: 'opm', datasource: LOKI, bars: true, stack: true },
    ),
    logs(
      'Critical and high security events',
      'P0 and P1 security event records from Loki, newest first; open a record for its fields (provider, reason, fingerprints, trace_id).',
      g(0, 23, 24, 12),
      `${LS} | oauth_security_severity=~"critical|high"`,
    ),
    logs(
      'All security events for the selected providers',
      'Every security event record (P0 to P3) whose oauth_provider matches the provider variable.',
      g(0, 35, 24, 10),
      `${LS} | priority=~"P0|P1|P2|P3" | oauth_provider=~"$provider"`,
    ),
    // Issue 14: the threats of docs/threats.md that had no signal before, one stat each.
    stat('Secrets in URLs', 'oauth_token_in_url_total over the dashboard range: requests whose URL query carried a token or secret, seen by the client observer or the AS adapter (P1).', g(0, 45, 4, 4), [() => promTarget(`sum(${countOver(`${N.tokenInUrl}{${S}}`)}) or vector(0)`, 'Secrets in URLs', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Resource metadata spoofing', 'resource_metadata_spoofing security events (P1): RFC 9728 metadata naming another resource, changed authorization_servers, cross-origin resource_metadata.', g(4, 45, 4, 4), [() => promTarget(ev('resource_metadata_spoofing'), 'Spoofing', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Connection context mismatch', 'connection_context_mismatch security events (P0): a callback that completes another user\'s or tool\'s connection.', g(8, 45, 4, 4), [() => promTarget(ev('connection_context_mismatch'), 'Context mismatch', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Audience injection', 'audience_injection security events (P1): client assertions whose aud is not exactly the issuer (AS adapter).', g(12, 45, 4, 4), [() => promTarget(ev('audience_injection'), 'Audience injection', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Registration abuse', 'oauth_server_registration_anomalies_total over the dashboard range: bursts from one source and suspicious redirect URIs (P2).', g(16, 45, 4, 4), [() => promTarget(`sum(${countOver(`${N.serverRegistrationAnomalies}{reason!="abandoned", ${S}}`)}) or vector(0)`, 'Registration abuse', { instant: true })], {
      steps: [[null, 'green'], [1, 'yellow']],
      decimals: 0,
    }),
    stat('Abandoned registrations', 'Clients that registered and obtained no token within the policy time (abandonedAfterMs), over the dashboard range.', g(20, 45, 4, 4), [() => promTarget(`sum(${countOver(`${N.serverRegistrationAnomalies}{reason="abandoned", ${S}}`)}) or vector(0)`, 'Abandoned', { instant: true })], {
      steps: [[null, 'green'], [10, 'yellow']],
      decimals: 0,
    }),
    timeseries(
      'Client registrations per minute by source class',
      'oauth_server_client_registrations_by_source_total: registrations the AS accepted, by the class of the registering address (loopback, private, public, unknown). OAuthServerRegistrationRateHigh fires above 30 per minute.',
      g(0, 49, 12, 8),
      [() => promTarget(`sum by (source) (rate(${N.serverRegistrationsBySource}{${S}}[$__rate_interval])) * 60`, '{{source}}')],
      { unit: 'opm', bars: true, stack: true },
    ),
    bargauge(
      'Secrets in URLs by side and parameter',
      'oauth_token_in_url_total over the dashboard range by side (client, server) and parameter name; the values are never recorded.',
      g(12, 49, 12, 8),
      [() => promTarget(`sort_desc(sum by (side, parameter) (${countOver(`${N.tokenInUrl}{${S}}`)}))`, '{{side}} {{parameter}}', { instant: true })],
    ),
    // ---- MCP authorization 2026-07-28 (alerts OAuthIssuerMissing, OAuthStepUpLoop, OAuthDynamicClientRegistrationInUse)
    stat('Responses without iss', 'issuer_missing security events (P1): authorization responses without the RFC 9207 iss their issuer must send, over the dashboard range.', g(0, 66, 6, 4), [() => promTarget(ev('issuer_missing'), 'Missing iss', { instant: true })], {
      steps: [[null, 'green'], [1, 'red']],
      decimals: 0,
    }),
    stat('Step-up loops', 'step_up_loop security events (P2): a protected resource kept answering 403 insufficient_scope past the retry limit, over the dashboard range.', g(6, 66, 6, 4), [() => promTarget(ev('step_up_loop'), 'Step-up loops', { instant: true })], {
      steps: [[null, 'green'], [1, 'yellow']],
      decimals: 0,
    }),
    bargauge(
      'Completed flows by registration route',
      'oauth_flow_registration_routes_total over the dashboard range: how clients got their client_id (cimd, dcr, pre_registered, manual). DCR is deprecated by the MCP authorization spec (2026-07-28).',
      g(12, 66, 12, 8),
      [() => promTarget(`sort_desc(sum by (route) (${countOver(`${N.flowRegistrationRoutes}{${S}}`)}))`, '{{route}}', { instant: true })],
    ),
    timeseries(
      'Step-up challenges per minute by resource',
      'oauth_step_up_challenges_total: 403 insufficient_scope challenges received from protected resources (provider = the resource host), per minute.',
      g(0, 70, 12, 8),
      [() => promTarget(`sum by (provider) (rate(${N.stepUpChallenges}{${S}}[$__rate_interval])) * 60`, '{{provider}}')],
      { unit: 'opm' },
    ),
    timeseries(
      'DPoP refusals per minute by side and check',
      'Sender-constrained tokens (RFC 9449): DPoP requests refused by the authorization server (oidc-provider adapter) or a resource server (oauth.dpopRejected), by the check that failed, per minute. proof_replay, bearer_downgrade and key_mismatch are attacks (alerts OAuthDpopProofReplay, OAuthDpopBoundTokenWithoutKey); nonce_challenge is normal unless it churns (OAuthDpopNonceChurn).',
      g(0, 57, 24, 9),
      [() => promTarget(`sum by (side, check) (rate(${N.dpopFailures}{${S}}[$__rate_interval])) * 60`, '{{side}}: {{check}}')],
      { unit: 'opm', bars: true, stack: true },
    ),
  ];
  return dashboard({
    uid: 'oauth-otel-security',
    title: 'OAuth Security',
    description: 'oauth-otel: security events from metrics (oauth_security_events_total) and from the logs in Loki.',
    refresh: '30s',
    time: 'now-24h',
    panels,
  });
}

// ---------------------------------------------------------------------------------------------
// OAuth Performance

function performance() {
  nextId = 1;
  const q3 = (metric, by, sel, what) => [
    () => promTarget(quantile(0.5, metric, by, sel), `p50 ${what}`),
    () => promTarget(quantile(0.95, metric, by, sel), `p95 ${what}`, { exemplar: true }),
    () => promTarget(quantile(0.99, metric, by, sel), `p99 ${what}`),
  ];
  const panels = [
    timeseries(
      'Flow duration by provider (p50, p95, p99)',
      'Authorization flow duration, start to tokens or failure, from oauth_flow_duration_seconds. p95 target: under 5 s. The points on the p95 line are exemplars: each is the last flow of its bucket recorded in a sampled trace; its trace_id opens that flow\'s trace.',
      g(0, 0, 12, 9),
      q3(N.flowDuration, 'provider', SP, '{{provider}}'),
      { unit: 's', steps: [[null, 'green'], [5, 'yellow'], [10, 'red']] },
    ),
    timeseries(
      'Token refresh duration by status (p50, p95, p99)',
      'oauth_token_refresh_duration_seconds has no provider label; by status. p95 target: under 1 s; p99 alert at 5 s.',
      g(12, 0, 12, 9),
      q3(N.tokenRefreshDuration, 'status', S, '{{status}}'),
      { unit: 's', steps: [[null, 'green'], [1, 'yellow'], [2, 'red']] },
    ),
    timeseries(
      'Discovery duration by method (p50, p95, p99)',
      'Authorization-server metadata discovery (RFC 9728 / RFC 8414 / WWW-Authenticate / manual), by method.',
      g(0, 9, 12, 8),
      q3(N.discoveryDuration, 'method', S, '{{method}}'),
      { unit: 's' },
    ),
    timeseries(
      'Dynamic client registration duration by status (p50, p95, p99)',
      'RFC 7591 registration requests, by status.',
      g(12, 9, 12, 8),
      q3(N.clientRegistrationDuration, 'status', S, '{{status}}'),
      { unit: 's' },
    ),
    timeseries(
      'Slow operations (fraction)',
      'Share of flows slower than 5 s and of refreshes slower than 2 s: 1 - bucket(le) / count.',
      g(0, 17, 12, 8),
      [
        () =>
          promTarget(
            `1 - (sum(rate(${N.flowDuration}_bucket{le="5.0", ${SP}}[$__rate_interval])) / sum(rate(${N.flowDuration}_count{${SP}}[$__rate_interval])))`,
            'Flows > 5 s',
          ),
        () =>
          promTarget(
            `1 - (sum(rate(${N.tokenRefreshDuration}_bucket{le="2.0", ${S}}[$__rate_interval])) / sum(rate(${N.tokenRefreshDuration}_count{${S}}[$__rate_interval])))`,
            'Refreshes > 2 s',
          ),
      ],
      { unit: 'percentunit' },
    ),
    timeseries(
      'Average flow duration by provider',
      'Mean flow duration: rate of _sum / rate of _count.',
      g(12, 17, 12, 8),
      [
        () =>
          promTarget(
            `sum by (provider) (rate(${N.flowDuration}_sum{${SP}}[$__rate_interval])) / sum by (provider) (rate(${N.flowDuration}_count{${SP}}[$__rate_interval]))`,
            '{{provider}}',
          ),
      ],
      { unit: 's' },
    ),
    bargauge(
      'Top 10 providers by flows started',
      'Flow starts over the dashboard range.',
      g(0, 25, 12, 8),
      [() => promTarget(`topk(10, sum by (provider) (${countOver(`oauth_flows_started_total{${SP}}`)}))`, '{{provider}}', { instant: true })],
    ),
    timeseries(
      'Scheduled refresh batch duration (p95)',
      'Background refresh batches, by status.',
      g(12, 25, 12, 8),
      [() => promTarget(quantile(0.95, N.scheduledRefreshDuration, 'status', S), 'p95 {{status}}', { exemplar: true })],
      { unit: 's' },
    ),
  ];
  return dashboard({
    uid: 'oauth-otel-performance',
    title: 'OAuth Performance',
    description: 'oauth-otel: latency quantiles of flows, refreshes, discovery and registration.',
    refresh: '30s',
    panels,
  });
}

// ---------------------------------------------------------------------------------------------
// OAuth Debugging

function debugging() {
  nextId = 1;
  const panels = [
    logs(
      'Error logs (severity error and fatal)',
      'Records at severity_number >= 17 (error, fatal): failures and P0/P1 security events.',
      g(0, 0, 24, 10),
      `${LS} | severity_number >= 17 | oauth_provider=~"$provider"`,
    ),
    logs(
      'Trace lookup',
      'Every record of the trace entered in the Trace ID box; empty while the box is empty (records without a trace have an empty trace_id, which an empty box would match).',
      g(0, 10, 24, 8),
      `${LS} | trace_id!="" | trace_id="$trace_id"`,
    ),
    bargauge(
      'Flow failures by reason',
      'oauth_flow_failures_total over the dashboard range, by reason and OAuth error code.',
      g(0, 18, 8, 9),
      [() => promTarget(`sort_desc(sum by (reason, error) (${countOver(`oauth_flow_failures_total{${SP}}`)}))`, '{{reason}} ({{error}})', { instant: true })],
      { steps: [[null, 'orange']] },
    ),
    bargauge(
      'Refresh failures by reason',
      'Failed token refreshes (status failure) over the dashboard range, by reason.',
      g(8, 18, 8, 9),
      [() => promTarget(`sort_desc(sum by (reason) (${countOver(`oauth_token_refresh_total{status="failure", ${S}}`)}))`, '{{reason}}', { instant: true })],
      { steps: [[null, 'orange']] },
    ),
    bargauge(
      'PKCE validation failures by reason',
      'Failed PKCE state validations over the dashboard range, by reason.',
      g(16, 18, 8, 9),
      [() => promTarget(`sort_desc(sum by (reason) (${countOver(`oauth_pkce_validations_total{status="failure", ${S}}`)}))`, '{{reason}}', { instant: true })],
      { steps: [[null, 'orange']] },
    ),
    bargauge(
      'Token endpoint errors',
      'Non-2xx token endpoint responses over the dashboard range, by grant type and OAuth error code.',
      g(0, 27, 12, 9),
      [() => promTarget(`sort_desc(sum by (grant_type, error) (${countOver(`oauth_token_endpoint_errors_total{${SP}}`)}))`, '{{grant_type}}: {{error}}', { instant: true })],
      { steps: [[null, 'orange']] },
    ),
    bargauge(
      'Scheduled refresh errors by type',
      'Errors of background refresh batches over the dashboard range.',
      g(12, 27, 12, 9),
      [() => promTarget(`sort_desc(sum by (error_type) (${countOver(`oauth_scheduled_refresh_errors_total{${S}}`)}))`, '{{error_type}}', { instant: true })],
      { steps: [[null, 'orange']] },
    ),
    piechart('Error records by event (logs)', 'Records at severity_number >= 17 over the dashboard range, by event.', g(0, 36, 12, 9), LOKI, [
      () => lokiTarget(`sum by (event) (count_over_time(${LS} | severity_number >= 17 [$__range]))`, '{{event}}', { instant: true }),
    ]),
    logs(
      'Slow operations (duration_ms > 2000)',
      'Operation records that took more than 2 seconds.',
      g(12, 36, 12, 9),
      `${LS} | duration_ms > 2000 | oauth_provider=~"$provider"`,
    ),
    logs(
      'Failure records',
      'Failure events of flows, discovery, registration, refresh, PKCE, token endpoint and scheduled refresh.',
      g(0, 45, 24, 10),
      `${LS} | event=~"${FAILURE_EVENTS}" | oauth_provider=~"$provider"`,
    ),
  ];
  return dashboard({
    uid: 'oauth-otel-debugging',
    title: 'OAuth Debugging',
    description: 'oauth-otel: error logs, failure reasons and trace lookup.',
    refresh: '30s',
    time: 'now-3h',
    panels,
    traceVariable: true,
  });
}

// ---------------------------------------------------------------------------------------------

const OUTPUT = {
  'oauth-overview.json': overview(),
  'oauth-security.json': security(),
  'oauth-performance.json': performance(),
  'oauth-debugging.json': debugging(),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, dash] of Object.entries(OUTPUT)) {
  const path = join(HERE, file);
  const text = JSON.stringify(dash, null, 2) + '\n';
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error(`${file} is not what dashboards/generate.mjs produces; run node dashboards/generate.mjs`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote dashboards/${file}`);
  }
}
process.exit(stale ? 1 : 0);
