/**
 * The package as users install it: `npm pack`, then `npm install <tarball>` into a fresh app outside
 * the workspace (no symlink, no hoisting from the repo), next to the OTel packages the app picks
 * itself. Two installs back the dependency ranges in package.json:
 * - "newest": the app asks for the newest OTel 3.x / 0.30x releases; the package's caret ranges must
 *   let npm resolve one shared copy of each SDK package (no second MeterProvider implementation);
 * - "lowest": npm `overrides` force every OTel package to the lowest version the ranges admit.
 * Both run the one-line path and the bring-your-own-SDK path.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(600_000);

const pkgDir = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const root = mkdtempSync(join(tmpdir(), 'oauth-otel-install-'));
let tarball = '';

/** The lowest version a caret (or exact) range admits. */
function lowest(range: string): string {
  const m = /^\^?(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) throw new Error(`range ${range} is not a caret or exact range`);
  return m[1]!;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

function run(app: string, fixture: string, env: Record<string, string> = {}, nodeArgs: string[] = []): { result: Record<string, unknown>; stdout: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, fixture], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
    // A clean environment: nothing from the test runner's NODE_OPTIONS or the repo's OTEL_* leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  if (r.status !== 0) throw new Error(`${fixture} exited ${r.status}: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${fixture} printed no RESULT line: ${r.stdout}\n${r.stderr}`);
  return { result: JSON.parse(line.slice(7)) as Record<string, unknown>, stdout: r.stdout };
}

/** Creates an app dir with the fixtures and installs the tarball plus the app's own OTel packages. */
function makeApp(name: string, deps: Record<string, string>, overrides?: Record<string, string>): string {
  const app = join(root, name);
  mkdirSync(app);
  for (const f of ['one-line.cjs', 'byo.cjs', 'preload.cjs']) copyFileSync(join(__dirname, 'fixtures', f), join(app, f));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: `oauth-otel-${name}-app`, private: true, dependencies: { 'oauth-otel': `file:${tarball}`, ...deps }, ...(overrides ? { overrides } : {}) }, null, 2),
  );
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  return app;
}

/** Distinct installed versions of a package anywhere in the app's tree. */
function versionsOf(app: string, name: string): string[] {
  const out = spawnSync('npm', ['ls', name, '--all', '--json'], { cwd: app, encoding: 'utf8' }).stdout;
  const seen = new Set<string>();
  const walk = (node: { dependencies?: Record<string, { version?: string; dependencies?: unknown }> }) => {
    for (const [n, d] of Object.entries(node.dependencies ?? {})) {
      if (n === name && d.version) seen.add(d.version);
      walk(d as never);
    }
  };
  walk(JSON.parse(out));
  return [...seen].sort();
}

beforeAll(() => {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', root], pkgDir)) as { filename: string; files: { path: string }[] }[];
  tarball = join(root, packed[0]!.filename);
  // Only the build, the README and the vendored OTLP .proto files (with their license) ship: no
  // sources, tests or maps of the workspace.
  expect(packed[0]!.files.every((f) => /^(dist\/|README\.md$|package\.json$|LICENSE|proto\/(LICENSE$|opentelemetry\/proto\/.*\.proto$))/.test(f.path))).toBe(true);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const SDK_PACKAGES = ['@opentelemetry/sdk-metrics', '@opentelemetry/sdk-logs', '@opentelemetry/sdk-trace', '@opentelemetry/core', '@opentelemetry/resources'];

function checkOneLine(app: string) {
  const { result, stdout } = run(app, 'one-line.cjs', { OTEL_TRACES_EXPORTER: 'console' });
  // Closed by default: no token, no data.
  expect(result.anonymousStatus).toBe(401);
  expect(result.status).toBe(200);
  expect(result.body).toMatch(/^oauth_flows_total\{provider="login\.example\.org",status="success"\} 1$/m);
  expect(result.body).toMatch(/^oauth_security_events_total\{[^}]*token_reuse/m);
  expect(result.tracing).toBe(true);
  // The console span exporter printed the flow span; the stdout JSON log has the security event.
  expect(stdout).toMatch(/name: 'oauth\.flow'/);
  const events = stdout.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>]; // the JSON log lines (the console spans are not JSON)
    } catch {
      return [];
    }
  });
  expect(events.some((e) => e.event === 'oauth_refresh_token_reuse_detected')).toBe(true);
  expect(stdout).not.toContain('rt-secret-value-abcdef0123456789');
}

/** The preload entry point as installed: `node --require oauth-otel/register`, configured by the environment. */
function checkPreload(app: string) {
  const { stdout } = run(app, 'preload.cjs', { OTEL_EXPORTER_PROMETHEUS_PORT: '0', OAUTH_OTEL_METRICS_TOKEN: 'install-test-token-0123456789' }, ['--require', 'oauth-otel/register']);
  expect(stdout).toMatch(/"event":"oauth_refresh_token_reuse_detected"/);
  expect(stdout).not.toContain('rt-secret-value-abcdef0123456789');
}

/** The OTLP exemplar serializer finds its vendored schema inside the installed package. */
function checkOtlpSchema(app: string) {
  const script = "process.stdout.write(require('./node_modules/oauth-otel/dist/metrics/otlp/schema.js').exportMetricsServiceRequest().fullName)";
  const r = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
  expect(r.stdout).toBe('.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
}

function checkByo(app: string) {
  const { result, stdout } = run(app, 'byo.cjs');
  expect(result.bound).toBe(true);
  expect(result.body).toMatch(/^oauth_flows_total\{[^}]*provider="login\.example\.org"[^}]*\} 1$/m);
  expect(result.body).toMatch(/^oauth_flow_duration_seconds_bucket\{[^}]*le="5"[^}]*\} 1$/m);
  const events = result.events as { eventName: string }[];
  expect(events.map((e) => e.eventName)).toContain('oauth.security.refresh_token.reuse_detected');
  const spans = result.spans as { name: string }[];
  expect(spans.map((s) => s.name)).toContain('oauth.flow');
  expect(JSON.stringify(result) + stdout).not.toContain('rt-secret-value-abcdef0123456789');
}

describe('newest OTel releases beside the package', () => {
  let app = '';
  beforeAll(() => {
    // What a new app asks for today: the newest 3.x SDK and its 0.30x exporters.
    app = makeApp('newest', {
      '@opentelemetry/api': '^1.10.0',
      '@opentelemetry/sdk-node': '^0.301.0',
      '@opentelemetry/exporter-prometheus': '^0.301.0',
      '@opentelemetry/sdk-metrics': '^3.0.0',
      '@opentelemetry/sdk-logs': '^3.0.0',
      '@opentelemetry/sdk-trace': '^3.0.0',
    });
  });

  test('the caret ranges share one copy of each SDK package with the app', () => {
    for (const name of SDK_PACKAGES) expect({ name, versions: versionsOf(app, name) }).toEqual({ name, versions: [expect.any(String)] });
    expect(versionsOf(app, '@opentelemetry/api')).toHaveLength(1);
    // …and that copy is the newest release on the registry (3.1.1 beside the 3.1.0 the workspace pins, today).
    const latest = npm(['view', '@opentelemetry/sdk-metrics', 'dist-tags.latest'], app).trim();
    if (latest.startsWith('3.')) expect(versionsOf(app, '@opentelemetry/sdk-metrics')).toEqual([latest]);
  });
  test('one-line initTelemetry()', () => checkOneLine(app));
  test('the OTLP exemplar schema ships and loads', () => checkOtlpSchema(app));
  test('bring your own NodeSDK', () => checkByo(app));
  test('node --require oauth-otel/register', () => checkPreload(app));
});

describe('the lowest versions the ranges admit', () => {
  let app = '';
  beforeAll(() => {
    const overrides: Record<string, string> = {};
    for (const [name, range] of Object.entries(pkg.dependencies)) if (name.startsWith('@opentelemetry/')) overrides[name] = lowest(range);
    const api = lowest(pkg.peerDependencies['@opentelemetry/api']!.replace(/^>=\s*/, '').split(/\s/)[0]!);
    app = makeApp(
      'lowest',
      {
        '@opentelemetry/api': api,
        '@opentelemetry/sdk-node': overrides['@opentelemetry/exporter-prometheus']!,
        '@opentelemetry/exporter-prometheus': overrides['@opentelemetry/exporter-prometheus']!,
        '@opentelemetry/sdk-metrics': overrides['@opentelemetry/sdk-metrics']!,
        '@opentelemetry/sdk-logs': overrides['@opentelemetry/sdk-logs']!,
        '@opentelemetry/sdk-trace': overrides['@opentelemetry/sdk-trace']!,
      },
      overrides,
    );
  });

  test('resolves to the lower bounds', () => {
    expect(versionsOf(app, '@opentelemetry/sdk-metrics')).toEqual([lowest(pkg.dependencies['@opentelemetry/sdk-metrics']!)]);
  });
  test('one-line initTelemetry()', () => checkOneLine(app));
  test('the OTLP exemplar schema ships and loads', () => checkOtlpSchema(app));
  test('bring your own NodeSDK', () => checkByo(app));
});
