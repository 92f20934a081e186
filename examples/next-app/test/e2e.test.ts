/**
 * End to end: the built Next.js example (`next start`), three real example authorization servers
 * (honest, wrong-iss, no-s256; each instrumented with oauth-otel/oidc-provider and wire-tapped for
 * the leak check), a real OTLP/HTTP logs endpoint, and Debian's Chromium driven by playwright-core.
 *
 *   NODE_OPTIONS=--experimental-vm-modules npx jest --runTestsByPath examples/next-app/test/e2e.test.ts
 *
 * The app is built first when its .next output is missing or older than its sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { SEED_METRIC_NAMES } from '../../../packages/oauth-otel/src/catalog';
import { OtlpLogsEndpoint, type ReceivedLog } from '../../../packages/oauth-otel/test/support/otlp-endpoint';
import { parseExposition, valueOf, type Family } from '../../../packages/oauth-otel/test/support/prom';
import { backendPath } from '../../../stack/test/support/backends';
// One port allocator with Jaeger's: it never hands out the same port twice in this process.
import { freePort } from '../../../stack/test/support/process';
import { startJaeger, type Jaeger, type JaegerSpan, type JaegerTrace } from '../../../stack/test/support/jaeger';
import { buildNextAppIfStale, NEXT_BIN } from '../../../stack/test/support/next-app';

const APP_DIR = resolve(__dirname, '..');
const REPO = resolve(APP_DIR, '..', '..');
const AS_MAIN = join(REPO, 'examples', 'auth-server', 'src', 'main.mjs');
const WIRETAP = join(__dirname, 'support', 'wiretap.mjs');

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const CIMD_CLIENT_ID = 'https://next-app.example/api/oauth/client-metadata';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

jest.setTimeout(180_000);

// ---- processes ----------------------------------------------------------------------------------

interface Proc {
  name: string;
  child: ChildProcess;
  out: string[];
}
const procs: Proc[] = [];

function run(name: string, args: string[], env: Record<string, string>, cwd = REPO): Proc {
  const child = spawn(process.execPath, args, { cwd, env: { ...(process.env as Record<string, string>), NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { name, child, out: [] };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => p.out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => p.out.push(d));
  procs.push(p);
  return p;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    procs.map(
      ({ child }) =>
        new Promise<void>((res) => {
          if (child.exitCode !== null || child.signalCode !== null) return res();
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(t);
            res();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

interface AuthServerInfo {
  issuer: string;
  metrics?: string;
  variant: string;
  proc: Proc;
}

async function startAuthServer(name: string, variant: string, wiretapFile: string, otlp: OtlpLogsEndpoint, extraEnv: Record<string, string> = {}): Promise<AuthServerInfo> {
  const proc = run(name, ['--import', `file://${WIRETAP}`, AS_MAIN], {
    PORT: '0',
    HOST: '127.0.0.1',
    VARIANT: variant,
    METRICS_PORT: '0',
    OTEL_SERVICE_NAME: name,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url.replace(/\/v1\/logs$/, ''),
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    WIRETAP_FILE: wiretapFile,
    ...extraEnv,
  });
  const line = await until(`${name} to start`, () => {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited: ${proc.out.join('')}`);
    return proc.out.join('').split('\n').find((l) => l.startsWith('{"issuer"'));
  });
  return { ...(JSON.parse(line) as { issuer: string; metrics?: string; variant: string }), proc };
}

// ---- state shared by the tests ------------------------------------------------------------------

let tmp: string;
let otlp: OtlpLogsEndpoint;
/** The trace store the app sends its spans to (Jaeger v2 stands in for Tempo). */
let jaeger: Jaeger;
let servers: AuthServerInfo[] = [];
let app: Proc;
let appUrl: string;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const callbackUrls: string[] = [];
const timings: Record<string, number> = {};

async function scrapeApp(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string; families: Map<string, Family> }> {
  const res = await fetch(`${appUrl}/api/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  return { status: res.status, text, families: res.ok ? parseExposition(text) : new Map() };
}

beforeAll(async () => {
  const t0 = Date.now();
  timings.buildMs = buildNextAppIfStale();
  tmp = mkdtempSync(join(tmpdir(), 'next-app-e2e-'));
  otlp = await new OtlpLogsEndpoint().start();
  jaeger = await startJaeger();
  const t1 = Date.now();
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  servers = await Promise.all([
    // The app's client ID metadata document is https://next-app.example/…, served by the app on loopback.
    startAuthServer('auth-server', 'honest', join(tmp, 'wiretap-honest.jsonl'), otlp, { CIMD_ORIGINS: `${new URL(CIMD_CLIENT_ID).origin}=${appUrl}` }),
    startAuthServer('auth-server-wrong-iss', 'wrong-iss', join(tmp, 'wiretap-wrong-iss.jsonl'), otlp),
    startAuthServer('auth-server-no-s256', 'no-s256', join(tmp, 'wiretap-no-s256.jsonl'), otlp),
    startAuthServer('auth-server-no-iss', 'no-iss', join(tmp, 'wiretap-no-iss.jsonl'), otlp),
  ]);
  app = run('next-app', [NEXT_BIN, 'start', APP_DIR, '-p', String(port), '-H', '127.0.0.1'], {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    APP_URL: appUrl,
    AUTH_SERVER_ISSUER: servers[0]!.issuer,
    WRONG_ISS_AUTH_SERVER_ISSUER: servers[1]!.issuer,
    NO_S256_AUTH_SERVER_ISSUER: servers[2]!.issuer,
    NO_ISS_AUTH_SERVER_ISSUER: servers[3]!.issuer,
    METRICS_TOKEN,
    CIMD_CLIENT_ID,
    OTEL_SERVICE_NAME: 'next-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url.replace(/\/v1\/logs$/, ''),
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: jaeger.otlpTracesUrl,
    // fast jobs: every token counts as expiring soon, runs every second
    SCHEDULED_REFRESH_INTERVAL_SECONDS: '1',
    REFRESH_AHEAD_SECONDS: '3600',
    PKCE_CLEANUP_INTERVAL_SECONDS: '1',
  }, APP_DIR);
  await until('next start', async () => {
    if (app.child.exitCode !== null) throw new Error(`next start exited: ${app.out.join('')}`);
    return (await fetch(`${appUrl}/api/state`)).ok || undefined;
  }, 60_000);
  timings.startMs = Date.now() - t1;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().startsWith(`${appUrl}/api/oauth/callback`)) callbackUrls.push(r.url());
  });
  timings.setupMs = Date.now() - t0;
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stopAll();
  await otlp?.stop();
  await jaeger?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`next-app e2e timings (ms): ${JSON.stringify(timings)}`);
});

function chromiumPath(): string {
  try {
    return backendPath('chromium');
  } catch {
    return '/usr/bin/chromium';
  }
}

// ---- browser helpers ----------------------------------------------------------------------------

const home = () => `${appUrl}/`;

/** Clicks a button that posts a form and waits for the page to load again. */
async function press(testId: string, scope: Page | ReturnType<Page['locator']> = page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), scope.locator(`[data-testid="${testId}"]`).first().click()]);
}

async function resultTitle(): Promise<string> {
  return (await page.locator('[data-testid="result-title"]').textContent())?.trim() ?? '';
}

/** On the AS: sign in as `user` and approve consent; returns when the app's page is back. */
async function signInAtAs(user: string, asIssuer: string): Promise<void> {
  await page.waitForSelector('#login-form');
  expect(new URL(page.url()).origin).toBe(asIssuer);
  await page.fill('#username', user);
  await page.fill('#password', `${user}-password`);
  await Promise.all([page.waitForEvent('load'), page.click('#login-submit')]);
  if (await page.locator('#consent-form').count()) {
    expect(await page.locator('#consent-redirect-host').textContent()).toContain(new URL(appUrl).host);
    await page.click('#consent-approve');
  }
  await page.waitForURL(home());
}

async function signInToApp(user: string): Promise<void> {
  await press(`sign-in-${user}`);
  expect(await page.locator('[data-testid="current-user"]').textContent()).toBe(user);
}

async function connect(serverId: 'main' | 'mixup', user: string, issuer: string): Promise<void> {
  await page.locator(`[data-testid="connect-${serverId}"]`).click();
  await signInAtAs(user, issuer);
}

// ---- tests --------------------------------------------------------------------------------------

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

test('the server build holds no copy of oauth-otel: Node loads one instance for instrumentation.ts and the routes', () => {
  const files = jsFiles(join(APP_DIR, '.next', 'server'));
  expect(files.length).toBeGreaterThan(10);
  // a string literal of packages/oauth-otel/src/internal/runtime.ts: present in any bundled copy
  const copies = files.filter((f) => readFileSync(f, 'utf8').includes('oauth-otel.runtime.v1'));
  expect(copies.map((f) => f.slice(APP_DIR.length + 1))).toEqual([]);
});

test('/api/metrics needs the bearer token and sees what instrumentation.ts started', async () => {
  expect((await scrapeApp(null)).status).toBe(401);
  expect((await scrapeApp('wrong-token-of-some-length')).status).toBe(401);
  const first = await scrapeApp();
  expect(first.status).toBe(200);
  // Before any page or route did anything: the scheduled refresh runs (every second) are started by
  // instrumentation.ts's register(), in the other module graph. The route must see them.
  const families = await until('a scheduled refresh run on /api/metrics', async () => {
    const s = await scrapeApp();
    return (valueOf(s.families, 'oauth_scheduled_refresh_total', { status: 'success', reason: 'normal' }) ?? 0) > 0 ? s.families : undefined;
  });
  expect(valueOf(families, 'oauth_scheduled_refresh_duration_seconds_count', { status: 'success' })).toBeGreaterThan(0);
  expect(valueOf(families, 'oauth_flows_started_total')).toBeUndefined();
});

test('demo run in Chromium: connect, call, refresh, replays, state attacks, mix-up, downgrade, revoke, ownership', async () => {
  const [honest, wrongIss] = servers;
  await page.goto(home());
  await signInToApp('alice');

  // 1. The full flow through the AS's own login and consent pages.
  await connect('main', 'alice', honest!.issuer);
  expect(await resultTitle()).toBe('Connected to Example MCP server');
  expect(callbackUrls).toHaveLength(1);
  const firstCallback = callbackUrls[0]!;
  expect(new URL(firstCallback).searchParams.get('iss')).toBe(honest!.issuer);
  const rowA = page.locator('[data-testid="connection"]').first();
  const connA = await rowA.getAttribute('data-connection-id');
  // The gauge source set in instrumentation.ts reads the store the callback route wrote.
  await until('oauth_active_tokens >= 1', async () => ((valueOf((await scrapeApp()).families, 'oauth_active_tokens') ?? 0) >= 1) || undefined);

  // 2. Call the MCP server with the token, 3. refresh with rotation.
  await press('call', page.locator(`[data-connection-id="${connA}"]`));
  expect(await resultTitle()).toBe('MCP server answered 200');
  expect(await page.locator('[data-testid="result"]').textContent()).toContain('sub=alice');
  await press('refresh', page.locator(`[data-connection-id="${connA}"]`));
  expect(await resultTitle()).toMatch(/^Refreshed; refresh token rotated \(generation \d+\)$/);

  // 4. The same callback again (state replay).
  await page.goto(firstCallback);
  await page.waitForURL(home());
  expect(await resultTitle()).toBe('Replayed callback: this state was already used');

  // 5. Refresh-token replay: the AS revokes the family, the client records the reuse.
  await press('attack-refresh-replay');
  expect(await resultTitle()).toBe('Refresh-token reuse detected');

  // 6-8. State attacks with genuine callbacks from the AS.
  await press('attack-tampered-state');
  expect(await resultTitle()).toBe('Tampered state: integrity check failed');
  await press('attack-expired-state');
  expect(await resultTitle()).toBe('Expired state');
  await press('attack-code-injection');
  expect(await resultTitle()).toBe('Code injection blocked: the state belongs to another user');

  // 9. Mix-up: sign in at the wrong-iss AS; its response names another issuer.
  await connect('mixup', 'alice', wrongIss!.issuer);
  expect(await resultTitle()).toBe('Mix-up attack blocked: iss does not match the issuer of this flow');

  // 10. PKCE downgrade: refused before the browser ever leaves the app.
  await press('connect-downgrade');
  expect(page.url()).toBe(home());
  expect(await resultTitle()).toBe('PKCE downgrade: the AS does not offer S256');

  // 11. A second connection, revoked at the AS (RFC 7009).
  await connect('main', 'alice', honest!.issuer);
  expect(await resultTitle()).toBe('Connected to Example MCP server');
  const connB = await page.locator('[data-testid="connection"]').first().getAttribute('data-connection-id');
  expect(connB).not.toBe(connA);
  await press('revoke', page.locator(`[data-connection-id="${connB}"]`));
  expect(await resultTitle()).toBe('Revoked 1 token(s) at the AS (RFC 7009)');
  // the refresh token (ending the grant); the JWT access token is not revocable at this AS
  expect(await page.locator('[data-testid="result"]').textContent()).toContain('access_token: the AS cannot revoke it');

  // 12. After the replay the AS revoked connection A's family: the scheduled refresh fails on it.
  await until('connection A to need re-authorization', async () => {
    await page.reload();
    return (await page.locator(`[data-connection-id="${connA}"]`).getAttribute('data-status')) === 'reauthorization_required' || undefined;
  });

  // 13. bob uses alice's connection.
  await signInToApp('bob');
  await press('attack-ownership');
  expect(await resultTitle()).toBe("Ownership violation: bob tried to refresh alice's connection");

  // 14. The jobs' buttons.
  await press('run-scheduled-refresh');
  expect(await resultTitle()).toMatch(/^Scheduled refresh: \d+ refreshed, \d+ failed/);
  await press('run-pkce-cleanup');
  expect(await resultTitle()).toMatch(/^PKCE cleanup: \d+ expired state\(s\) removed$/);
});

test('client /api/metrics: all 21 seed metrics have samples, and the security series are right', async () => {
  const { families } = await until('the expired state to be cleaned', async () => {
    const s = await scrapeApp();
    return (valueOf(s.families, 'oauth_pkce_states_cleaned_total', { reason: 'expired' }) ?? 0) >= 1 ? s : undefined;
  });
  expect(SEED_METRIC_NAMES).toHaveLength(21);
  const empty = SEED_METRIC_NAMES.filter((n) => (families.get(n)?.samples.length ?? 0) === 0);
  expect(empty).toEqual([]);

  const v = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels) ?? 0;
  // one of each attack, each counted once
  expect(v('oauth_security_events_total', { event_type: 'token_reuse', severity: 'critical' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'code_injection', severity: 'critical' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'integrity_violation', severity: 'high' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'pkce_replay', severity: 'high' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'ownership_violation', severity: 'high' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'issuer_mismatch', severity: 'high' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'pkce_downgrade', severity: 'high' })).toBe(1);
  expect(v('oauth_security_events_total', { event_type: 'state_expired', severity: 'low' })).toBe(1);
  expect(v('oauth_code_injection_attempts_total')).toBe(1);
  expect(v('oauth_integrity_violations_total', { violation_type: 'hash_mismatch' })).toBe(1);
  expect(v('oauth_integrity_violations_total', { violation_type: 'state_reuse' })).toBe(1);
  expect(v('oauth_token_refresh_total', { status: 'reuse_detected', reason: 'reuse_detected' })).toBe(1);
  expect(v('oauth_token_refresh_total', { status: 'failure', reason: 'ownership_failed' })).toBe(1);
  expect(v('oauth_token_refresh_total', { status: 'success', reason: 'normal' })).toBeGreaterThanOrEqual(2);
  expect(v('oauth_token_refresh_total', { status: 'failure', reason: 'endpoint_error' })).toBeGreaterThanOrEqual(1);
  for (const reason of ['valid', 'user_mismatch', 'invalid_hash', 'expired', 'replayed']) {
    expect([reason, v('oauth_pkce_validations_total', { reason })]).toEqual([reason, reason === 'valid' ? 3 : 1]);
  }
  // flows: 2 connected; failures by reason
  expect(v('oauth_flows_total', { status: 'success' })).toBe(2);
  for (const reason of ['issuer_mismatch', 'pkce_unsupported', 'invalid_state', 'state_expired']) {
    expect([reason, v('oauth_flow_failures_total', { reason })]).toEqual([reason, expect.any(Number)]);
    expect(v('oauth_flow_failures_total', { reason })).toBeGreaterThanOrEqual(1);
  }
  expect(v('oauth_flow_duration_seconds_count', { status: 'success' })).toBe(2);
  for (const method of ['www-authenticate', 'rfc9728', 'rfc8414']) expect(v('oauth_discovery_attempts_total', { method, status: 'success' })).toBeGreaterThanOrEqual(6);
  expect(v('oauth_client_registrations_total', { status: 'success' })).toBe(2); // honest + wrong-iss; cached after
  expect(v('oauth_token_revocations_total', { reason: 'manual' })).toBe(1);
  expect(v('oauth_scheduled_refresh_errors_total', { error_type: 'endpoint_error' })).toBeGreaterThanOrEqual(1);
  expect(v('oauth_scheduled_refresh_total', { status: 'failure' })).toBeGreaterThanOrEqual(1);
  expect(v('oauth_token_endpoint_errors_total', { grant_type: 'refresh_token', error: 'invalid_grant' })).toBeGreaterThanOrEqual(2);
  // connect x2, mix-up, and the three state attacks (the downgrade is refused before a state exists)
  expect(v('oauth_pkce_states_created_total')).toBe(6);
  expect(v('oauth_active_pkce_states')).toBe(0);
  expect(families.get('oauth_telemetry_dropped_total')?.samples.reduce((n, x) => n + x.value, 0) ?? 0).toBe(0);
});

function clientRecords(): ReceivedLog[] {
  return otlp.received.filter((r) => r.resource['service.name'] === 'next-app');
}

test('client OTLP logs: security events at their priority, flow/discovery/registration/token events', async () => {
  const SECURITY: [string, string, number][] = [
    ['oauth_refresh_token_reuse_detected', 'P0', 21],
    ['pkce_state_user_mismatch', 'P0', 21],
    ['pkce_state_integrity_violation', 'P1', 17],
    ['pkce_replay_detected', 'P1', 17],
    ['oauth_ownership_violation', 'P1', 17],
    ['oauth_issuer_mismatch', 'P1', 17],
    ['oauth_pkce_downgrade_detected', 'P1', 17],
    ['pkce_state_expired', 'P3', 13],
  ];
  for (const [event, priority, severityNumber] of SECURITY) {
    const [rec] = await otlp.waitFor(1, (r) => r.resource['service.name'] === 'next-app' && r.attributes.event === event);
    expect({ event, priority: rec!.attributes.priority, severityNumber: rec!.severityNumber }).toEqual({ event, priority, severityNumber });
  }
  const OPERATIONS = [
    'oauth_flow_initiated',
    'oauth_flow_success',
    'oauth_flow_failure',
    'oauth_discovery_success',
    'oauth_dynamic_registration_success',
    'token_refresh_success',
    'token_refresh_failure',
    'token_rotation_complete',
    'oauth_tokens_revoked',
    'scheduled_refresh_completed',
    'scheduled_token_refresh_failed',
    'pkce_cleanup_completed',
  ];
  await until('every operation event', () => OPERATIONS.every((e) => clientRecords().some((r) => r.attributes.event === e)) || undefined);
  const reasons = new Set(clientRecords().filter((r) => r.attributes.event === 'oauth_flow_failure').map((r) => r.attributes['oauth.reason']));
  expect([...reasons].sort()).toEqual(expect.arrayContaining(['invalid_state', 'issuer_mismatch', 'pkce_unsupported', 'state_expired']));
  const stages = clientRecords().filter((r) => r.attributes.event === 'oauth_issuer_mismatch').map((r) => r.attributes['oauth.stage']);
  expect(stages).toEqual(['authorization_response']);
});

test('the authorization server counts issuance, errors, reuse and the family revocation on its own /metrics', async () => {
  const honest = servers[0]!;
  // Started by examples/auth-server/src/main.mjs with instrumentOidcProvider (oauth-otel/oidc-provider).
  expect(honest.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const families = parseExposition(await (await fetch(honest.metrics!)).text());
  const v = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels) ?? 0;
  expect(v('oauth_server_tokens_issued_total', { grant_type: 'authorization_code' })).toBe(2);
  expect(v('oauth_server_tokens_issued_total', { grant_type: 'refresh_token' })).toBeGreaterThanOrEqual(2);
  expect(v('oauth_server_errors_total', { endpoint: 'token', error: 'invalid_grant' })).toBeGreaterThanOrEqual(2);
  const reuse = families.get('oauth_server_refresh_token_reuse_total')?.samples.reduce((s, x) => s + x.value, 0) ?? 0;
  expect(reuse).toBe(1);
  expect(v('oauth_server_grant_revocations_total', { reason: 'refresh_token_reuse' })).toBe(1);
  expect(v('oauth_server_client_registrations_total', { status: 'success' })).toBe(1);
  // and its P0 event, on the same OTLP endpoint
  const [rec] = await otlp.waitFor(1, (r) => r.resource['service.name'] === 'auth-server' && r.attributes.event === 'oauth_refresh_token_reuse_detected');
  expect(rec!.attributes.priority).toBe('P0');
});

/** Every trace of the app in Jaeger (the batch span processor exports every 5 s). */
async function appTraces(until: (ts: JaegerTrace[]) => boolean): Promise<JaegerTrace[]> {
  let ts: JaegerTrace[] = [];
  for (let i = 0; i < 60 && !until(ts); i++) {
    ts = await jaeger.traces('next-app').catch(() => []);
    if (!until(ts)) await new Promise((r) => setTimeout(r, 500));
  }
  return ts;
}

test('client traces in Jaeger: a connect flow is one trace across the browser redirect, the callback request linked', async () => {
  const hasExchange = (t: JaegerTrace) => t.spans.some((s) => s.operationName === 'oauth.code_exchange');
  const traces = await appTraces((ts) => ts.some(hasExchange));
  const t = traces.find(hasExchange)!;
  expect(t).toBeDefined();
  const byOp = new Map<string, JaegerSpan>(t.spans.map((s) => [s.operationName, s]));
  const parent = (n: string) => byOp.get(n)!.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
  for (const n of ['oauth.flow', 'oauth.authorize', 'oauth.callback', 'oauth.code_exchange']) expect(byOp.has(n)).toBe(true);
  expect(parent('oauth.authorize')).toBe(byOp.get('oauth.flow')!.spanID);
  expect(parent('oauth.callback')).toBe(byOp.get('oauth.flow')!.spanID);
  expect(parent('oauth.code_exchange')).toBe(byOp.get('oauth.callback')!.spanID);
  const flow = byOp.get('oauth.flow')!;
  expect(flow.tags.find((x) => x.key === 'oauth.outcome')?.value).toBe('success');
  // Discovery and registration of the connect request are spans too (in the trace of /connect).
  const ops = new Set(traces.flatMap((tr) => tr.spans.map((s) => s.operationName)));
  for (const n of ['oauth.discovery', 'oauth.client_registration', 'oauth.token_refresh']) expect(ops.has(n)).toBe(true);
});

/** Sum of a counter's samples whose labels include `labels`. */
function total(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  let n = 0;
  for (const f of families.values()) for (const x of f.samples) if (x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)) n += x.value;
  return n;
}

// Runs after the exact-count tests above (its flows would change their counts), before the leak check.
test('CIMD connect and the step-up demo in Chromium: route="cimd", step-up challenges and the step_up_loop event', async () => {
  const honest = servers[0]!;
  const before = (await scrapeApp()).families;
  await page.goto(home());
  await signInToApp('alice');

  // Connect with CIMD: the client_id is the metadata document's URL, which the AS fetched from the app.
  await page.locator('[data-testid="connect-main-cimd"]').click();
  await signInAtAs('alice', honest.issuer);
  expect(await resultTitle()).toBe('Connected to Example MCP server (CIMD)');
  const row = page.locator('[data-testid="connection"]').first();
  expect(await row.locator('[data-testid="connection-route"]').textContent()).toBe('cimd');
  const id = (await row.getAttribute('data-connection-id'))!;
  const conn = () => page.locator(`[data-connection-id="${id}"]`);
  await press('call', conn());
  expect(await resultTitle()).toBe('MCP server answered 200');
  await press('refresh', conn()); // a public client: no client secret at the token endpoint
  expect(await resultTitle()).toMatch(/^Refreshed; refresh token rotated/);
  const cimdFlows = await until('oauth_flow_registration_routes_total{route="cimd"}', async () => {
    const n = total((await scrapeApp()).families, 'oauth_flow_registration_routes_total', { route: 'cimd', status: 'success' });
    return n > total(before, 'oauth_flow_registration_routes_total', { route: 'cimd', status: 'success' }) ? n : undefined;
  });
  expect(cimdFlows - total(before, 'oauth_flow_registration_routes_total', { route: 'cimd', status: 'success' })).toBe(1);

  // Step-up on /mcp/write: the token already holds mcp:write.
  await press('step-up-write', conn());
  expect(await resultTitle()).toBe('Scoped call /write answered 200 (no step-up needed)');

  // Step-up on /mcp/admin: 403 insufficient_scope, re-authorize for the union (the AS never grants
  // mcp:admin), three times, then the client stops; the fourth challenge is the observer's loop.
  await conn().locator('[data-testid="step-up-admin"]').click();
  for (let i = 0; i < 3; i++) {
    await page.waitForSelector('#login-form');
    expect(new URL(page.url()).origin).toBe(honest.issuer);
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice-password');
    await Promise.all([page.waitForEvent('load'), page.click('#login-submit')]);
    if (await page.locator('#consent-form').count()) await Promise.all([page.waitForEvent('load'), page.click('#consent-approve')]);
  }
  await page.waitForURL(home());
  expect(await resultTitle()).toBe('Step-up loop: /admin still answers 403 insufficient_scope after 3 re-authorizations');
  const requested = callbackUrls.length; // every re-authorization came back through the callback
  expect(requested).toBeGreaterThanOrEqual(4);

  const after = await until('the step_up_loop security event on /api/metrics', async () => {
    const f = (await scrapeApp()).families;
    return total(f, 'oauth_security_events_total', { event_type: 'step_up_loop' }) > total(before, 'oauth_security_events_total', { event_type: 'step_up_loop' }) ? f : undefined;
  });
  expect(total(after, 'oauth_security_events_total', { event_type: 'step_up_loop' }) - total(before, 'oauth_security_events_total', { event_type: 'step_up_loop' })).toBe(1);
  expect(total(after, 'oauth_step_up_challenges_total') - total(before, 'oauth_step_up_challenges_total')).toBe(4);
  // the three step-up flows also went through CIMD
  expect(total(after, 'oauth_flow_registration_routes_total', { route: 'cimd', status: 'success' }) - total(before, 'oauth_flow_registration_routes_total', { route: 'cimd', status: 'success' })).toBe(4);
  const [loop] = await otlp.waitFor(1, (r) => r.resource['service.name'] === 'next-app' && r.attributes.event === 'oauth_step_up_loop');
  expect(loop!.attributes.priority).toBe('P2');
});

test('RFC 9207 in the callback: an authorization response without iss is rejected and recorded (checkAuthorizationResponse)', async () => {
  const noIss = servers[3]!;
  const before = (await scrapeApp()).families;
  const seen = callbackUrls.length;
  await page.goto(home());
  await page.locator('[data-testid="connect-noiss"]').click();
  await signInAtAs('alice', noIss.issuer);
  expect(await resultTitle()).toBe('Mix-up defence: the authorization response carries no iss');
  expect(new URL(callbackUrls[seen]!).searchParams.has('iss')).toBe(false);
  const after = await until('the issuer_missing security event', async () => {
    const f = (await scrapeApp()).families;
    return total(f, 'oauth_security_events_total', { event_type: 'issuer_missing' }) > total(before, 'oauth_security_events_total', { event_type: 'issuer_missing' }) ? f : undefined;
  });
  expect(total(after, 'oauth_security_events_total', { event_type: 'issuer_missing' }) - total(before, 'oauth_security_events_total', { event_type: 'issuer_missing' })).toBe(1);
  expect(total(after, 'oauth_flow_failures_total', { reason: 'issuer_mismatch' }) - total(before, 'oauth_flow_failures_total', { reason: 'issuer_mismatch' })).toBe(1);
  // no code exchange happened: no new success
  expect(total(after, 'oauth_flows_total', { status: 'success' })).toBe(total(before, 'oauth_flows_total', { status: 'success' }));
  const [rec] = await otlp.waitFor(1, (r) => r.resource['service.name'] === 'next-app' && r.attributes.event === 'oauth_issuer_missing');
  expect(rec!.attributes.priority).toBe('P1');
});

test('no token, code, verifier, state, client secret, password or cookie value in the exposition, the OTLP records or stdout', async () => {
  await new Promise((r) => setTimeout(r, 500)); // last log batches
  const tapped = readdirSync(tmp)
    .filter((f) => f.startsWith('wiretap-'))
    .flatMap((f) => readFileSync(join(tmp, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { kind: string; value: string });
  const secrets = new Map<string, string>();
  const seenKinds = new Set<string>();
  const add = (kind: string, value: string | undefined | null) => {
    if (!value || value.length < 12) return;
    seenKinds.add(kind);
    if (!secrets.has(value)) secrets.set(value, kind);
  };
  for (const { kind, value } of tapped) {
    add(kind, value);
    if (kind.endsWith(':state')) for (const part of value.split('.')) add(`${kind} part`, part);
  }
  for (const c of await context.cookies()) add(`browser cookie ${c.name}`, c.value);
  for (const u of callbackUrls) for (const k of ['code', 'state']) add(`callback ${k}`, new URL(u).searchParams.get(k));
  add('metrics token', METRICS_TOKEN);
  // the leak check must have something to look for
  const kinds = [...seenKinds].join(' ');
  for (const k of ['access_token', 'refresh_token', 'code_verifier', 'client_secret', ':code', ':state', 'basic_secret', 'password', 'cookie']) expect(kinds).toContain(k);

  const exposition = (await scrapeApp()).text;
  const asExposition = await (await fetch(servers[0]!.metrics!)).text();
  const otlpBytes = Buffer.concat(otlp.rawBodies);
  const otlpDecoded = JSON.stringify(otlp.received);
  const appStdout = app.out.join('');
  const spans = JSON.stringify(await appTraces((ts) => ts.length > 0));
  expect(spans).toContain('oauth.flow');
  const asStdout = servers.map((s) => s.proc.out.join('')).join('');
  expect(clientRecords().length).toBeGreaterThan(50);
  expect(appStdout).toContain('"event":"oauth_flow_success"'); // the JSON log lines are on stdout

  const leaks: string[] = [];
  for (const [value, kind] of secrets) {
    if (exposition.includes(value)) leaks.push(`${kind} in the app's /api/metrics`);
    if (asExposition.includes(value)) leaks.push(`${kind} in the AS's /metrics`);
    if (otlpBytes.includes(value) || otlpDecoded.includes(value)) leaks.push(`${kind} in OTLP records`);
    if (appStdout.includes(value)) leaks.push(`${kind} in the app's stdout/stderr`);
    if (spans.includes(value)) leaks.push(`${kind} in the app's spans (Jaeger): ${spans.slice(Math.max(0, spans.indexOf(value) - 300), spans.indexOf(value) + 60)}`);
    if (asStdout.includes(value)) leaks.push(`${kind} in the AS's stdout/stderr`);
  }
  expect(leaks).toEqual([]);
  expect(secrets.size).toBeGreaterThan(30);
});
