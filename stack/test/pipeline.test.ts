/**
 * The whole log path with real processes: an app on the built oauth-otel package → the shipped
 * otel-collector.yaml (run by the collector CI builds) → VictoriaLogs (the log store standing in
 * for Loki). Security events arrive with their schema fields queryable, and no planted secret's
 * bytes reach the store.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SECURITY_EVENTS } from '../../packages/oauth-otel/src/catalog';
import { SHIPPED_COLLECTOR_CONFIG, REPO_ROOT } from './support/backends';
import { startCollector, type Collector } from './support/collector';
import { startVictoriaLogs, waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(180_000);
const run = promisify(execFile);
const rand = (n = 18) => randomBytes(n).toString('base64url');
const service = `oauth-otel-pipeline-${rand(4).replace(/[^A-Za-z0-9]/g, 'x')}`;
const secrets = {
  code: `c0de${rand()}`,
  state: `st4te${rand()}`,
  refreshToken: `rt${rand()}`,
  accessToken: `at${rand()}`,
  jwt: `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: rand(6) })).toString('base64url')}.${rand(40)}`,
};

let vl: VictoriaLogs | undefined;
let collector: Collector | undefined;
beforeAll(async () => {
  vl = await startVictoriaLogs();
  collector = await startCollector({ configPath: SHIPPED_COLLECTOR_CONFIG, env: { LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl } });
  await run(process.execPath, [join(__dirname, 'fixtures/package-app.cjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${collector.otlpHttpUrl}/v1/logs`, SECRETS_JSON: JSON.stringify(secrets) },
    timeout: 60_000,
  });
});
afterAll(async () => {
  await collector?.stop();
  await vl?.stop();
});

test('security events arrive through the collector with their schema fields queryable', async () => {
  const emitted = ['oauth_refresh_token_reuse_detected', 'oauth_code_injection_attempt', 'pkce_state_user_mismatch', 'oauth_integrity_violation', 'oauth_ownership_violation', 'pkce_replay_detected', 'oauth_issuer_mismatch'];
  for (const name of emitted) {
    const def = SECURITY_EVENTS.find((e) => e.name === name)!;
    const [row] = await waitForVictoriaLogs(vl!.url, `"service.name":"${service}" AND event:${name}`, { timeoutMs: 60_000 });
    expect(row).toMatchObject({
      event: name,
      'oauth.security_severity': def.severity,
      priority: def.priority,
      'oauth.security_event_type': def.type,
      'oauth.provider': 'idp.example',
      'deployment.environment.name': 'ci',
    });
    const level = { critical: ['fatal', '21'], high: ['error', '17'], medium: ['warn', '13'], low: ['warn', '13'] }[def.severity];
    expect([row!.severity_text, row!.severity_number, row!.event_name]).toEqual([...level, def.eventName]);
    expect(row).toMatchObject({ 'security_rule.name': def.security.rule, 'security_rule.ruleset.name': 'OWASP Logging Vocabulary', 'security_rule.reference': def.security.reference });
  }
  const [reuse] = await waitForVictoriaLogs(vl!.url, `"service.name":"${service}" AND event:oauth_refresh_token_reuse_detected`);
  expect(reuse!['oauth.token.fingerprint']).toMatch(/^[0-9a-f]{12}$/);
  expect(reuse!['oauth.reuse_classification']).toBe('suspected_theft');
  const [refresh] = await waitForVictoriaLogs(vl!.url, `"service.name":"${service}" AND event:token_refresh_failure`);
  expect(refresh).toMatchObject({ 'oauth.reason': 'endpoint_error', 'oauth.error': 'invalid_grant', duration_ms: '321' });
});

test('no planted secret reaches the log store, by any field', async () => {
  await waitForVictoriaLogs(vl!.url, `"service.name":"${service}" AND event:app_callback_failed`, { timeoutMs: 60_000 });
  const everything = await vl!.queryRaw('*', { limit: 10_000 });
  expect(everything).toContain(service);
  const leaked = Object.entries(secrets).filter(([, v]) => everything.includes(v) || everything.includes(v.slice(4, 20)));
  expect(leaked.map(([k]) => k)).toEqual([]);
  const [app] = await waitForVictoriaLogs(vl!.url, `"service.name":"${service}" AND event:app_callback_failed`);
  expect(app!._msg).toContain('code=[REDACTED]');
  expect(app!['exception.type']).toBe('Error');
});
