/**
 * The shipped otel-collector.yaml, run for real: a collector built from stack/collector/manifest.yaml
 * receives OTLP/HTTP protobuf logs from the Node SDK and exports them to a real VictoriaLogs (standing
 * in for Loki's OTLP endpoint). Planted secrets must not reach the store; ordinary fields must.
 * Backends: `bash scripts/backends/ensure-all.sh` first.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SHIPPED_COLLECTOR_CONFIG } from './support/backends';
import { startCollector, validateCollectorConfig, type Collector } from './support/collector';
import { sendOtlpLogs } from './support/otlp';
import { promtool, startPrometheus } from './support/prometheus';
import { waitFor } from './support/process';
import { startVictoriaLogs, waitForVictoriaLogs, type VictoriaLogs, type VictoriaLogsEntry } from './support/victorialogs';

jest.setTimeout(120_000);

const rand = (n = 18) => randomBytes(n).toString('base64url');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const runId = rand(6).replace(/[^A-Za-z0-9]/g, 'x');
const serviceName = `oauth-otel-stack-test-${runId}`;

// Each secret is random per run, so finding its bytes in the store can only mean a leak.
const jwtHeader = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: rand(6) }));
const jwtPayload = b64url(JSON.stringify({ sub: `user-${rand(6)}`, aud: 'demo', exp: 4102444800, jti: rand() }));
const jwtSignature = rand(64);
const S = {
  jwt: `${jwtHeader}.${jwtPayload}.${jwtSignature}`,
  bearer: `xyz${rand()}`,
  code: `c0de${rand()}`,
  state: `st4te${rand()}`,
  refreshToken: `rt${rand()}`,
  codeVerifier: `cv${rand(32)}`,
  clientSecret: `cs${rand()}`,
  nestedAccessToken: `at${rand()}`,
  basicCredentials: Buffer.from(`demo-client:${rand()}`).toString('base64'),
  userinfoPassword: `pw${rand()}`,
  jsonAccessToken: `ja${rand()}`,
  mapBodyToken: `mb${rand()}`,
  dpopProof: `${b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256' }))}.${b64url(JSON.stringify({ htm: 'POST', jti: rand() }))}.${rand(40)}`,
};
// Fragments that must not survive either (a partial mask is still a leak).
const FORBIDDEN: Record<string, string> = {
  ...S,
  jwtPayload,
  jwtSignature,
  dpopPayload: S.dpopProof.split('.')[1]!,
};

let vl: VictoriaLogs | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  vl = await startVictoriaLogs();
  collector = await startCollector({
    configPath: SHIPPED_COLLECTOR_CONFIG,
    env: { LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl, OTELCOL_LOG_LEVEL: 'info' },
  });
});

afterAll(async () => {
  await collector?.stop();
  await vl?.stop();
});

describe('shipped otel-collector.yaml', () => {
  test('passes `otelcol validate` with its defaults and with the test overrides', async () => {
    const defaults = await validateCollectorConfig(SHIPPED_COLLECTOR_CONFIG, {
      LOKI_OTLP_ENDPOINT: undefined,
      OTLP_GRPC_ENDPOINT: undefined,
      OTLP_HTTP_ENDPOINT: undefined,
    });
    expect(defaults).toEqual(expect.objectContaining({ ok: true }));
    const overridden = await validateCollectorConfig(SHIPPED_COLLECTOR_CONFIG, {
      LOKI_OTLP_ENDPOINT: 'http://127.0.0.1:1/insert/opentelemetry/v1/logs',
      LOKI_HEADERS: '{X-Scope-OrgID: tenant-a, Authorization: "Basic dXNlcjpwYXNz"}',
      OTLP_GRPC_ENDPOINT: '127.0.0.1:1',
      OTLP_HTTP_ENDPOINT: '127.0.0.1:2',
    });
    expect(overridden).toEqual(expect.objectContaining({ ok: true }));
  });

  test('delivers OAuth log records to the log store with every planted secret scrubbed', async () => {
    // Sent by @opentelemetry/sdk-logs + exporter-logs-otlp-proto in a child Node process (see
    // support/otlp.ts), exactly as an application would.
    const records: Parameters<typeof sendOtlpLogs>[0]['records'] = [];
    // 1. An ordinary success event whose message interpolated a callback URL and a bearer header.
    records.push({
      severityNumber: SeverityNumber.INFO,
      severityText: 'info',
      eventName: 'oauth_flow_success',
      body: `callback https://app.example/callback?code=${S.code}&state=${S.state} with Authorization: Bearer ${S.bearer}`,
      attributes: {
        event: 'oauth_flow_success',
        'oauth.provider': 'idp.example',
        'oauth.outcome': 'success',
        'oauth.grant_type': 'authorization_code',
        'oauth.flow_id': 'fp_flow_abc123',
        'oauth.token.fingerprint': 'fp_tok_def456',
        duration_ms: 42,
        // Secrets under obvious keys, at the top level and nested.
        client_secret: S.clientSecret,
        metadata: { accessToken: S.nestedAccessToken, note: 'kept' },
        'http.request.header.dpop': [S.dpopProof],
      },
    });
    // 2. A failure whose attributes carry a token-endpoint form body, a raw header block, a JWT in a
    //    free-text attribute, an error echoing the token response, and a URL with userinfo.
    records.push({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'error',
      eventName: 'oauth_token_refresh_failure',
      body: `refresh failed: id_token ${S.jwt} rejected`,
      attributes: {
        event: 'oauth_token_refresh_failure',
        'oauth.provider': 'idp.example',
        'oauth.outcome': 'failure',
        'oauth.reason': 'invalid_grant',
        error_type: 'OAuthError',
        'http.request.body': `grant_type=refresh_token&refresh_token=${S.refreshToken}&code_verifier=${S.codeVerifier}&client_id=demo-client`,
        'exception.message': `token endpoint said {"access_token":"${S.jsonAccessToken}","token_type":"Bearer"}`,
        'request.head': `POST /token HTTP/1.1\r\nHost: idp.example\r\nAuthorization: Basic ${S.basicCredentials}\r\nContent-Type: application/x-www-form-urlencoded\r\n`,
        'url.full': `https://demo:${S.userinfoPassword}@idp.example/token`,
        note: `previous token was ${S.jwt}`,
      },
    });
    // 3. A structured (map) body with a secret two levels down.
    records.push({
      severityNumber: SeverityNumber.WARN,
      severityText: 'warn',
      eventName: 'oauth_unexpected_response',
      body: { response: { access_token: S.mapBodyToken, token_type: 'Bearer', expires_in: 3600 }, status: 200 },
      attributes: { event: 'oauth_unexpected_response', 'oauth.provider': 'idp.example' },
    });
    await sendOtlpLogs({
      url: `${collector!.otlpHttpUrl}/v1/logs`,
      resource: {
        'service.name': serviceName,
        'service.version': '1.2.3',
        'deployment.environment.name': 'test',
        'service.instance.id': `instance-${runId}`,
      },
      scope: { name: 'oauth-otel', version: '0.0.0-test' },
      records,
    });

    const base = vl!.url;
    const rows = await waitForVictoriaLogs(base, `"service.name":"${serviceName}"`, { count: 3, timeoutMs: 60_000 }).catch(
      async (e: Error) => {
        // Say where the records got stuck: the collector's own counters and what the store holds.
        const metrics = await fetch(collector!.metricsUrl).then((r) => r.text(), (err: Error) => err.message);
        const counters = metrics.split('\n').filter((l) => /^otelcol_(receiver|exporter)_.*log_records/.test(l));
        const stored = await vl!.queryRaw('*', { limit: 20 }).catch((err: Error) => err.message);
        throw new Error(`${e.message}\ncollector: ${counters.join('\n')}\nstore: ${stored}\ncollector log: ${collector!.logFile}`);
      },
    );
    expect(rows).toHaveLength(3);

    // Not one planted secret's bytes anywhere in what the store returns for this run.
    const raw = await vl!.queryRaw(`"service.name":"${serviceName}"`);
    expect(raw.length).toBeGreaterThan(0);
    const leaked = Object.entries(FORBIDDEN).filter(([, v]) => raw.includes(v));
    expect(leaked.map(([k]) => k)).toEqual([]);
    // And nothing else in the store either (e.g. a record that lost its service.name).
    const everything = await vl!.queryRaw('*');
    expect(Object.entries(FORBIDDEN).filter(([, v]) => everything.includes(v)).map(([k]) => k)).toEqual([]);

    // Ordinary fields are intact and queryable.
    const success = await waitForVictoriaLogs(base, `"service.name":"${serviceName}" AND event:oauth_flow_success`);
    expect(success).toHaveLength(1);
    const ok = success[0] as VictoriaLogsEntry;
    expect(ok['oauth.provider']).toBe('idp.example');
    expect(ok['oauth.outcome']).toBe('success');
    expect(ok['oauth.grant_type']).toBe('authorization_code');
    expect(ok['oauth.flow_id']).toBe('fp_flow_abc123');
    // A harmless key containing "token" is not masked.
    expect(ok['oauth.token.fingerprint']).toBe('fp_tok_def456');
    expect(ok['duration_ms']).toBe('42');
    expect(ok['service.version']).toBe('1.2.3');
    expect(ok['deployment.environment.name']).toBe('test');
    expect(ok['metadata.note']).toBe('kept');
    // The message stays readable, with the values replaced.
    expect(ok._msg).toContain('https://app.example/callback?code=[REDACTED]&state=[REDACTED]');
    // The generated rules take the whole Authorization value, scheme included (one rule set with the package).
    expect(ok._msg).toContain('Authorization: [REDACTED]');
    // Secret keys are kept with a masked value.
    expect(ok['client_secret']).toBe('****');
    expect(ok['metadata.accessToken']).toBe('****');

    const failure = await waitForVictoriaLogs(base, `"service.name":"${serviceName}" AND event:oauth_token_refresh_failure`);
    const bad = failure[0] as VictoriaLogsEntry;
    expect(bad['oauth.reason']).toBe('invalid_grant');
    expect(bad['http.request.body']).toBe(
      'grant_type=refresh_token&refresh_token=[REDACTED]&code_verifier=[REDACTED]&client_id=demo-client',
    );
    expect(bad['url.full']).toBe('https://REDACTED:REDACTED@idp.example/token');
    expect(bad._msg).toBe('refresh failed: id_token [REDACTED] rejected');

    // service.instance.id is dropped (it would become a per-process Loki stream).
    for (const r of rows) expect(Object.keys(r)).not.toContain('service.instance.id');
    // Fields are queryable as LogsQL filters, not only present.
    expect(await vl!.query(`"service.name":"${serviceName}" AND "oauth.provider":"idp.example"`)).toHaveLength(3);
    expect(await vl!.query(`"service.name":"${serviceName}" AND severity_text:error`)).toHaveLength(1);
    // OAUTH_OTEL_DUMP_STORE=<file> keeps what the store returned, for eyeballing.
    if (process.env.OAUTH_OTEL_DUMP_STORE) writeFileSync(process.env.OAUTH_OTEL_DUMP_STORE, raw);
  });

  test("exposes the collector's own metrics, which Prometheus scrapes", async () => {
    // Runs after the delivery test, so the counters are non-zero.
    const prom = await startPrometheus({ scrapeTargets: [{ target: new URL(collector!.metricsUrl).host, job: 'otelcol' }] });
    try {
      const check = await promtool(['check', 'config', prom.configFile]);
      expect(check.code).toBe(0);
      const sent = await waitFor(
        'otelcol_exporter_sent_log_records in Prometheus',
        async () => {
          const r = await prom.query('sum(otelcol_exporter_sent_log_records{job="otelcol",exporter="otlp_http/loki"})');
          return r.length > 0 ? Number(r[0]!.value![1]) : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(sent).toBeGreaterThanOrEqual(3);
      const failed = await prom.query('sum(otelcol_exporter_send_failed_log_records{job="otelcol"}) or vector(0)');
      expect(Number(failed[0]!.value![1])).toBe(0);
    } finally {
      await prom.stop();
    }
  });
});
