/**
 * Prometheus and Loki rules: promtool check + unit tests, conventions (severity, priority, runbook),
 * the static PromQL check of every rule expression, and that every alert is unit-tested both firing
 * and silent.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  extractRuleQueries,
  lokiRuleFiles,
  prometheusRuleFiles,
  prometheusRuleTestFiles,
  readRules,
  REPO_ROOT,
  type ExtractedQuery,
  type RuleEntry,
} from './queries';
import { checkPromQL } from './queries/checks';
import { runPromtool } from './queries/tools';

const promFiles = prometheusRuleFiles();
const testFiles = prometheusRuleTestFiles();
const promRules = promFiles.flatMap(readRules);
const lokiRules = lokiRuleFiles().flatMap(readRules);
const alerts = [...promRules, ...lokiRules].filter((r) => r.alert);
const rel = (f: string) => relative(REPO_ROOT, f);

/** Anchors of docs/runbook.md headings, GitHub style. */
function runbookAnchors(): Set<string> {
  const md = readFileSync(join(REPO_ROOT, 'docs', 'runbook.md'), 'utf8');
  const anchors = new Set<string>();
  for (const m of md.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

describe('rule files', () => {
  it('exist: alerts, recording rules, unit tests, Loki rules', () => {
    expect(promFiles.map((f) => basename(f))).toEqual(['oauth-alerts.yml', 'oauth-recording.yml', 'oauth-server-alerts.yml']);
    expect(testFiles.length).toBeGreaterThanOrEqual(3);
    expect(lokiRuleFiles().map((f) => basename(f))).toEqual(['oauth-security.yml']);
  });

  it('promtool check rules passes', () => {
    const r = runPromtool(['check', 'rules', ...promFiles.map(rel)]);
    expect(r.output).not.toMatch(/FAILED|error/i);
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes', () => {
    const r = runPromtool(['test', 'rules', ...testFiles.map(rel)]);
    expect(r.output).not.toContain('FAILED');
    expect(r.code).toBe(0);
  }, 120_000);

  it('has the alerts of the issue and the SLO recording rules', () => {
    expect(promRules.filter((r) => r.alert).map((r) => r.alert).sort()).toEqual(
      [
        'OAuthActivePkceStatesHigh',
        'OAuthActiveTokensHigh',
        'OAuthCodeInjectionAttempt',
        'OAuthFlowSuccessRateLow',
        'OAuthIntegrityViolations',
        'OAuthMetricsCardinalityOverflow',
        'OAuthSecurityEventRateHigh',
        'OAuthServerInternalErrors',
        'OAuthServerRefreshTokenReuse',
        'OAuthServerTokenErrorRateHigh',
        'OAuthTelemetryDropping',
        'OAuthTokenRefreshFailureSpike',
        'OAuthTokenRefreshSlow',
        'OAuthTokenReuseDetected',
      ].sort(),
    );
    const records = promRules.filter((r) => r.record).map((r) => r.record);
    for (const name of [
      'oauth:flow_success_rate:5m',
      'oauth:refresh_success_rate:5m',
      'oauth:pkce_success_rate:5m',
      'oauth:flow_duration_seconds:p95',
      'oauth:flow_duration_seconds:p99',
      'oauth:refresh_duration_seconds:p95',
      'oauth:refresh_duration_seconds:p99',
      'oauth:security_events_critical:rate5m',
    ]) {
      expect(records).toContain(name);
    }
  });
});

describe.each(alerts.map((a) => [`${basename(a.file)} ${a.alert}`, a] as [string, RuleEntry]))('alert %s', (_n, a) => {
  it('has severity critical|warning|info matching its priority P0-P3', () => {
    expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
    expect(['P0', 'P1', 'P2', 'P3']).toContain(a.labels.priority);
    const expected = { P0: 'critical', P1: 'critical', P2: 'warning', P3: 'info' }[a.labels.priority!];
    expect(a.labels.severity).toBe(expected);
  });

  it('has summary, description and a runbook_url with a section in docs/runbook.md', () => {
    expect(a.annotations.summary).toBeTruthy();
    expect(a.annotations.description).toBeTruthy();
    const m = /^docs\/runbook\.md#([a-z0-9-]+)$/.exec(a.annotations.runbook_url ?? '');
    expect(m).not.toBeNull();
    expect(runbookAnchors()).toContain(m![1]);
  });
});

describe('every Prometheus alert is unit-tested firing and silent', () => {
  const tests = testFiles.flatMap((f) => {
    const doc = parseYaml(readFileSync(f, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    };
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
  it.each(promRules.filter((r) => r.alert).map((r) => [r.alert!]))('%s', (name) => {
    const mine = tests.filter((t) => t.alertname === name);
    expect(mine.some((t) => (t.exp_alerts ?? []).length > 0)).toBe(true);
    expect(mine.some((t) => (t.exp_alerts ?? []).length === 0)).toBe(true);
  });
});

describe('PromQL of the rules (static check against the catalog)', () => {
  const queries: ExtractedQuery[] = promFiles.flatMap((f) => extractRuleQueries(f, 'promql'));
  it.each(queries.map((q) => [q.source, q]))('%s', (_s, q) => {
    expect(checkPromQL(q)).toEqual([]);
  });

  it('no alert compares a raw counter (every counter read sits in increase()/rate() or an unless-offset new-series guard)', () => {
    for (const r of promRules.filter((x) => x.alert)) {
      // the seed's latching form: <counter>{...} > 0 at the top level
      expect([r.alert, /^\s*oauth_[a-z_]+_total(\{[^}]*\})?\s*>/.test(r.expr)]).toEqual([r.alert, false]);
    }
  });

  it('ratio alerts have a minimum-traffic guard', () => {
    const ratio = promRules.filter((r) => r.alert && /success_rate/.test(r.expr));
    expect(ratio.length).toBeGreaterThan(0);
    for (const r of ratio) expect([r.alert, /and\s+on\s*\([^)]*\)\s*\(?\s*sum/.test(r.expr) && />=\s*\d+/.test(r.expr)]).toEqual([r.alert, true]);
  });
});
