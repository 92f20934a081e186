/**
 * Every LogQL query the project ships (Loki panels of the dashboards, stack/rules/loki, ```logql blocks of
 * the docs and READMEs) parses with @grafana/lezer-logql and filters only on fields of the log
 * schema (LOG_QUERY_FIELDS) and the Loki index labels, with `event` values the package emits.
 * Loki itself cannot run here (real-backends.md), so this is the check LogQL gets.
 */
import { allLogQL, extractMarkdownQueries, EVENT_NAMES, markdownFiles, REPO_ROOT, type ExtractedQuery } from './queries';
import { checkLogQL } from './queries/checks';
import { analyzeLogQL } from './queries/logql';
import { join } from 'node:path';

const queries = allLogQL();
const label = (q: ExtractedQuery) => `${q.source}: ${q.expr.replace(/\s+/g, ' ').slice(0, 120)}`;

describe('LogQL queries', () => {
  it('come from the dashboards, the Loki rules and the docs', () => {
    const kinds = new Set(queries.map((q) => q.kind));
    expect(kinds).toEqual(new Set(['dashboard-target', 'alert-rule', 'doc']));
    expect(extractMarkdownQueries(join(REPO_ROOT, 'docs', 'logql.md'), 'logql').length).toBeGreaterThan(10);
    expect(markdownFiles().length).toBeGreaterThan(0);
  });

  it.each(queries.map((q) => [label(q), q]))('%s', (_l, q) => {
    expect(checkLogQL(q)).toEqual([]);
  });

  // `avg_over_time(... | unwrap x [5m])` keeps every label and structured-metadata field of the
  // records, so without a grouping each record becomes its own series.
  it('an unwrapped range aggregation is grouped (by/without), directly or by an outer aggregation', () => {
    const ungrouped = queries.filter((q) => {
      for (const m of q.expr.matchAll(/\b(?:avg|sum|min|max|stddev|stdvar|quantile|first|last)_over_time\(/g)) {
        let depth = 1;
        let i = m.index! + m[0].length;
        for (; i < q.expr.length && depth > 0; i++) depth += q.expr[i] === '(' ? 1 : q.expr[i] === ')' ? -1 : 0;
        const inner = q.expr.slice(m.index!, i);
        if (!/\|\s*unwrap\b/.test(inner)) continue;
        const grouped = /^\s*(by|without)\s*\(/.test(q.expr.slice(i)) || /\b(sum|avg|min|max|count|topk|bottomk)\s+(by|without)\s*\([^)]*\)\s*\(\s*$/.test(q.expr.slice(0, m.index!));
        if (!grouped) return true;
      }
      return false;
    });
    expect(ungrouped.map(label)).toEqual([]);
  });

  // A labelled count has no series while no record matches: success / outcomes is then "no data"
  // when every outcome failed, unless the numerator falls back to 0 * the denominator.
  it('a ratio of two log counts guards its numerator with `or 0 * …`', () => {
    const ratios = queries.filter((q) => /count_over_time/.test(q.expr) && /\)\s*\/\s*(sum|count)\b/.test(q.expr));
    expect(ratios.length).toBeGreaterThan(1);
    expect(ratios.filter((q) => !/\bor\s+0\s*\*/.test(q.expr)).map(label)).toEqual([]);
  });

  it('the Loki rules cover the P0 and P1 security events', () => {
    const ruleEvents = new Set(
      queries
        .filter((q) => q.kind === 'alert-rule')
        .flatMap((q) => analyzeLogQL(q.expr).labelFilters.filter((f) => f.label === 'event'))
        .flatMap((f) => (f.op === '=' ? [f.value] : EVENT_NAMES.filter((e) => new RegExp(`^(?:${f.value})$`).test(e)))),
    );
    for (const e of [
      'oauth_refresh_token_reuse_detected',
      'oauth_code_injection_attempt',
      'oauth_integrity_violation',
      'oauth_ownership_violation',
      'pkce_replay_detected',
      'pkce_state_user_mismatch',
      'pkce_state_integrity_violation',
      'oauth_issuer_mismatch',
      'oauth_pkce_downgrade_detected',
      'oauth_authorization_code_replay_detected',
    ]) {
      expect([e, ruleEvents.has(e)]).toEqual([e, true]);
    }
  });
});

describe('the static LogQL check itself', () => {
  const q = (expr: string): ExtractedQuery => ({ lang: 'logql', kind: 'doc', expr, source: 'test' });
  it.each([
    ['a field outside the schema', '{service_name="a"} | userId="u"', 'not a field of the log schema'],
    ['an event name the package does not emit', '{service_name="a"} | event="pkce_replay_prevented"', 'not one of'],
    ['a json parser (fields are structured metadata)', '{service_name="a"} | json | event="oauth_flow_success"', 'parser stage'],
    ['a stream selector on structured metadata', '{service_name="a", event="x"}', 'stream selector on event'],
    ['a selector Loki refuses (only empty-matching matchers)', '{service_name=~".*"} | oauth_security_severity="high"', 'does not match the empty string'],
    ['a numeric filter on a string field', '{service_name="a"} | oauth_security_severity > 3', 'numeric filter on oauth_security_severity'],
    ['a severity value outside the schema', '{service_name="a"} | oauth_security_severity="error"', 'value "error"'],
    ['the bare severity key (renamed: log stores read it as the level)', '{service_name="a"} | severity="high"', 'not a field of the log schema'],
    ['a grouping by a nested seed field', 'sum by (metadata_serverUuid) (count_over_time({service_name="a"} [5m]))', 'grouping by metadata_serverUuid'],
    ['a syntax error', '{service_name="a"} | event="x" bad', 'syntax error'],
  ])('flags %s', (_n, expr, message) => {
    expect(checkLogQL(q(expr)).join('\n')).toContain(message);
  });
});
