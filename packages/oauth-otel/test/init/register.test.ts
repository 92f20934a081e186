/**
 * `oauth-otel/register` as users run it: a child `node --require oauth-otel/register <script>` (and
 * `--import`) running an unmodified client against the real example AS. Configuration comes only from
 * the environment; the child's /metrics (with the token) shows the observed steps, and its stdout the
 * JSON event, flushed on SIGTERM (re-raised: the child still dies by the signal) or on a natural exit.
 * Runs the build (dist/register.js): `npm run build` first, as scripts/test.sh does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { authServer, type AuthServer } from '../../../../examples/auth-server/test/native';
import { parseExposition } from '../support/prom';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';

jest.setTimeout(120_000);

const REPO = resolve(__dirname, '../../../..');
const FIXTURE = join(__dirname, 'fixtures/register-flow.mjs');
const ATTACK = join(REPO, 'scripts/attacks/token-in-url.mjs');
const TOKEN = 'register-test-token-0123456789abcdef';

let as: AuthServer;
let otlp: OtlpLogsEndpoint;
beforeAll(async () => {
  otlp = await new OtlpLogsEndpoint().start();
  expect(existsSync(join(__dirname, '../../dist/register.js'))).toBe(true); // else: npm run build
  as = await authServer.createAuthServer({ port: 0 });
});
afterAll(async () => {
  await as?.close();
  await otlp?.stop();
});

function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    }).on('error', ko);
  });
}

/** A clean environment: nothing of the runner's NODE_OPTIONS or OTEL_* leaks into the child. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** OTLP logs to the test's receiver, batched for 10 minutes: only the exit flush can deliver them. */
const otlpEnv = (service: string) => ({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: otlp.url, OTEL_BLRP_SCHEDULE_DELAY: '600000', OTEL_SERVICE_NAME: service });
const otlpEvents = (service: string) =>
  otlp.received.filter((r) => r.resource['service.name'] === service).map((r) => r.eventName);

function jsonLines(out: string): Record<string, unknown>[] {
  return out.split('\n').flatMap((l) => {
    try {
      const v = JSON.parse(l) as unknown;
      return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

function collect(child: ChildProcess): { out: () => string; err: () => string; ready: Promise<void>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((ok, ko) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^READY /m.test(out)) ok();
    });
    child.on('exit', () => ko(new Error(`child exited before READY: ${out}\n${err}`)));
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  return { out: () => out, err: () => err, ready, exit };
}

test('--require: observed steps on /metrics (token required), the JSON event flushed on SIGTERM, no secret out', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'oauth-otel/register', FIXTURE, as.issuer], {
    cwd: REPO,
    env: env({ OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OAUTH_OTEL_METRICS_TOKEN: TOKEN, ...otlpEnv('register-require') }),
  });
  const c = collect(child);
  await c.ready;
  const url = `http://127.0.0.1:${port}/metrics`;
  expect((await fetch(url)).status).toBe(401); // closed by default
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const body = await res.text();
  const families = parseExposition(body);
  const inUrl = families.get('oauth_token_in_url_total');
  expect(inUrl?.samples.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(2);
  expect(families.get('oauth_client_registrations_total')?.samples.find((s) => s.labels.status === 'success')?.value).toBe(2);

  child.kill('SIGTERM');
  const exit = await c.exit;
  expect(exit.signal).toBe('SIGTERM'); // the app had no handler: it still dies by the signal
  const events = jsonLines(c.out());
  expect(events.some((e) => e.event === 'oauth_token_in_url')).toBe(true);
  expect(otlpEvents('register-require')).toContainEqual(expect.stringMatching(/token_in_url/)); // flushed by the SIGTERM path
  const secrets = JSON.parse(/^SECRETS (.*)$/m.exec(c.out())![1]!) as string[];
  expect(secrets.length).toBeGreaterThanOrEqual(4);
  const exported = body + c.out().replace(/^SECRETS .*$/m, '') + c.err() + JSON.stringify(otlp.received);
  for (const s of secrets) expect(exported).not.toContain(s);
  expect(c.err()).toBe('');
});

/** Runs a child to its end without blocking this process (the AS lives here). */
async function run(args: string[], extra: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: REPO, env: env(extra) });
  const c = collect(child);
  c.ready.catch(() => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = await c.exit;
  clearTimeout(timer);
  return { ...exit, stdout: c.out(), stderr: c.err() };
}

test('--import: the unmodified demo script, its JSON events flushed on a natural exit', async () => {
  const r = await run(['--import', 'oauth-otel/register', ATTACK, as.issuer], { OTEL_EXPORTER_PROMETHEUS_PORT: '0', OAUTH_OTEL_METRICS_TOKEN: TOKEN, ...otlpEnv('register-import') });
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, signal: null });
  const events = jsonLines(r.stdout);
  expect(events.filter((e) => e.event === 'oauth_token_in_url').length).toBeGreaterThanOrEqual(2);
  expect(events.some((e) => e.step === 'accessToken')).toBe(true); // the script's own output is untouched
  expect(otlpEvents('register-import')).toContainEqual(expect.stringMatching(/token_in_url/)); // flushed at beforeExit
});

test('a bad environment: one line on stderr naming the variable, telemetry off, the app runs as without it', async () => {
  const r = await run(['--require', 'oauth-otel/register', '-e', 'console.log("app ran")'], { OTEL_EXPORTER_PROMETHEUS_PORT: '0', OAUTH_OTEL_METRICS_TOKEN: 'Zq9xW' });
  expect(r).toMatchObject({ code: 0, signal: null, stdout: 'app ran\n' });
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^oauth-otel\/register: telemetry is off: .*OAUTH_OTEL_METRICS_TOKEN/);
  expect(r.stderr).not.toContain('Zq9xW'); // the (secret) value is not echoed
});
