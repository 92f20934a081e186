/**
 * docker-compose.yml and every config it mounts, validated without a Docker engine:
 *
 * - stack/tools/compose-check (Go): the official compose-spec/compose-go loader (schema, interpolation,
 *   consistency) plus the stack's own rules (mounts exist, ports on 127.0.0.1 only, Loki unpublished,
 *   required secrets, collector image = stack/collector/manifest.yaml). Its `go test` proves each rule
 *   fails on a broken fixture.
 * - Prometheus: the container's file layout is rebuilt from the compose mounts, the basic-auth web
 *   config is rendered by the same script the stack runs, then `promtool check config`,
 *   `promtool check web-config`, and a real Prometheus (the compose image's release, built from source) started on
 *   127.0.0.1 with both files: 401 without credentials, rules and scrape pools loaded with them.
 * - Loki: structural only (YAML parsed, the keys that matter checked). Loki is AGPL and is not built
 *   or run here, so Loki's own `-verify-config` is NOT part of this test.
 * - Grafana: provisioning YAML parsed; datasources cross-checked with the compose env, and every
 *   datasource variable of dashboards/*.json must find a provisioned datasource of its type.
 *
 * Run: npx jest --selectProjects stack stack/test/compose.test.ts
 * Needs: go (1.26, GOTOOLCHAIN=local), promtool + prometheus (backends.json, else PATH, else
 * scripts/backends/ensure-all.sh), htpasswd (apache2-utils; installed with apt if missing).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { Tree } from '@lezer/common';
import { parse as parseYaml } from 'yaml';
import { backendPath, cacheDir, REPO_ROOT } from './support/backends';
import { freePort, HOST, makeScratchDir, runCommand, spawnServer, waitFor, type ServerProcess } from './support/process';

// lezer-logql ships ESM typings only; the CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser: logqlParser } = require('@grafana/lezer-logql') as { parser: { parse(input: string): Tree } };

jest.setTimeout(600_000);

// ---------------------------------------------------------------------------------------------
// Types for the resolved project that compose-check writes (compose-go's JSON form).

interface Volume {
  type: string;
  source: string;
  target: string;
  read_only?: boolean;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  volumes?: Volume[];
  secrets?: { source: string; target?: string }[];
  ports?: { host_ip?: string; target: number; published?: string; protocol?: string }[];
  expose?: string[];
  networks?: Record<string, unknown>;
  labels?: Record<string, string>;
  /** Bytes (compose-go writes a decimal string). */
  mem_limit?: string | number;
}
interface Project {
  name: string;
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { environment?: string; file?: string }>;
}
interface Report {
  problems: { check: string; service?: string; message: string }[];
  notes: string[];
  project?: Project;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const ROOT = REPO_ROOT;
const rand = () => randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');
/** The secrets the stack requires, random per run (the checker proves each is required). */
const TEST_ENV = {
  GF_SECURITY_ADMIN_PASSWORD: `grafana-${rand()}`,
  PROMETHEUS_WEB_PASSWORD: `prometheus-${rand()}`,
  METRICS_TOKEN: `metrics-${rand()}`,
  ALERT_PAGE_WEBHOOK_URL: `http://127.0.0.1:9/page-${rand()}`,
  ALERT_TICKET_WEBHOOK_URL: `http://127.0.0.1:9/ticket-${rand()}`,
  OAUTH_RUNBOOK_URL: `https://docs.invalid/${rand()}/runbook.md`,
};

const yamlFile = (path: string): any => parseYaml(readFileSync(path, 'utf8'));
const rel = (p: string) => relative(ROOT, p);

function env(svc: Service, name: string): string | undefined {
  const v = svc.environment?.[name];
  return v === null ? undefined : v;
}

/** `${env:NAME:-default}` / `${env:NAME}` / `${NAME}` as the collector's confmap resolves them. */
function resolveCollectorValue(value: unknown, vars: Record<string, string | undefined>): string {
  return String(value).replace(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def?: string) => {
    const v = vars[name];
    return v !== undefined && v !== '' ? v : (def ?? '');
  });
}

/** Grafana provisioning expands `$VAR` and `${VAR}` from Grafana's environment. */
function resolveGrafanaValue(value: unknown, vars: Record<string, string | undefined>): string {
  return String(value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a?: string, b?: string) => {
    const name = (a ?? b)!;
    const v = vars[name];
    if (v === undefined) throw new Error(`Grafana provisioning references $${name}, which the grafana service does not set`);
    return v;
  });
}

function flagValue(args: string[] | undefined, flag: string): string | undefined {
  for (const a of args ?? []) {
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

function bindMount(svc: Service, target: string): Volume | undefined {
  return svc.volumes?.find((v) => v.type === 'bind' && v.target === target);
}

/** Go duration / Prometheus duration to hours (only the units these configs use). */
function hours(d: string): number {
  const m = /^(\d+)(h|d|w)$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  const n = Number(m[1]);
  return m[2] === 'h' ? n : m[2] === 'd' ? n * 24 : n * 24 * 7;
}

async function findTool(name: 'promtool' | 'prometheus'): Promise<string> {
  // Prometheus 3 at the compose image's release, built by scripts/backends/ensure-prometheus.sh.
  return backendPath(name);
}

/** Apache's htpasswd (what the render service's httpd image uses), from apt when missing. */
async function ensureHtpasswd(): Promise<void> {
  if ((await runCommand('sh', ['-c', 'command -v htpasswd'])).code === 0) return;
  const lockDir = join(cacheDir(), 'locks');
  mkdirSync(lockDir, { recursive: true });
  const install = await runCommand(
    'flock',
    [
      join(lockDir, 'apt.lock'),
      'sh',
      '-c',
      'apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends apache2-utils || ' +
        '(apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends apache2-utils)',
    ],
    { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 },
  );
  if (install.code !== 0) throw new Error(`could not install apache2-utils (htpasswd):\n${install.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// compose-check: build, run, and its own tests

const CHECKER_DIR = join(ROOT, 'stack', 'tools', 'compose-check');
const CHECKER_BIN = join(cacheDir(), 'bin', 'compose-check');
const GO_ENV = { GOTOOLCHAIN: 'local' };
const NEXT_APP_EXISTS = existsSync(join(ROOT, 'examples', 'next-app', 'package.json'));

let report: Report;
let project: Project;
let checkerOutput = '';

beforeAll(async () => {
  mkdirSync(dirname(CHECKER_BIN), { recursive: true });
  const build = await runCommand('go', ['build', '-o', CHECKER_BIN, '.'], { cwd: CHECKER_DIR, env: GO_ENV, timeoutMs: 540_000 });
  if (build.code !== 0) throw new Error(`go build stack/tools/compose-check failed:\n${build.stderr}`);

  const out = join(makeScratchDir('compose-check'), 'report.json');
  const args = ['-C', ROOT, '-f', 'docker-compose.yml', '-env-file', '.env.example', '-json', out];
  for (const [k, v] of Object.entries(TEST_ENV)) args.push('-env', `${k}=${v}`);
  const run = await runCommand(CHECKER_BIN, args, { cwd: ROOT });
  checkerOutput = run.stdout + run.stderr;
  if (run.code !== 0 && run.code !== 1) throw new Error(`compose-check crashed (exit ${run.code}):\n${checkerOutput}`);
  report = JSON.parse(readFileSync(out, 'utf8')) as Report;
  if (!report.project) throw new Error(`compose-check could not load docker-compose.yml:\n${checkerOutput}`);
  project = report.project;
});

describe('docker-compose.yml (stack/tools/compose-check: compose-spec/compose-go loader + stack rules)', () => {
  test('go test: every rule of the checker fails on a fixture that breaks it', async () => {
    const res = await runCommand('go', ['test', './...'], { cwd: CHECKER_DIR, env: GO_ENV, timeoutMs: 540_000 });
    expect({ code: res.code, out: res.stdout + res.stderr }).toEqual({ code: 0, out: expect.stringContaining('ok') });
  });

  test('loads with compose-go and passes every check', () => {
    // The next-app example is written separately; until its workspace exists, only that problem is
    // tolerated here, and the test below is reported as skipped.
    const problems = report.problems.filter(
      (p) => !(p.check === 'workspace' && p.service === 'next-app' && !NEXT_APP_EXISTS),
    );
    expect(problems).toEqual([]);
    expect(report.notes.join('\n')).toContain('loaded with compose-go');
  });

  (NEXT_APP_EXISTS ? test : test.skip)('examples/next-app exists for the next-app image build', () => {
    expect(report.problems.filter((p) => p.check === 'workspace')).toEqual([]);
  });

  test('.env.example documents every variable the compose file reads, with the secrets left empty', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const used = new Set([...compose.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    for (const s of Object.values(project.secrets)) if (s.environment) used.add(s.environment);
    const example = new Map(
      readFileSync(join(ROOT, '.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    expect([...used].filter((v) => !example.has(v))).toEqual([]);
    for (const k of Object.keys(TEST_ENV)) expect({ k, value: example.get(k) }).toEqual({ k, value: '' });
  });

  test('the collector image tag is compared with stack/collector/manifest.yaml', () => {
    const manifestExists = existsSync(join(ROOT, 'stack/collector/manifest.yaml'));
    expect(manifestExists).toBe(true);
    expect(report.notes.join('\n')).toMatch(/collector: image tag \S+ equals the version in stack\/collector\/manifest.yaml/);
  });

  test("the collector's Go memory limit equals its memory_limiter limit, under the container's limit", () => {
    const svc = project.services['otel-collector']!;
    const vars = Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
    const limiter = yamlFile(join(ROOT, 'otel-collector.yaml')).processors.memory_limiter;
    const limitMib = Number(resolveCollectorValue(limiter.limit_mib, vars));
    const spikeMib = Number(resolveCollectorValue(limiter.spike_limit_mib, vars));
    expect(limitMib).toBeGreaterThan(0);
    expect(env(svc, 'GOMEMLIMIT')).toBe(`${limitMib}MiB`);
    // The container's hard limit leaves room for the spike allowance and the runtime's own memory.
    expect(Number(svc.mem_limit)).toBeGreaterThanOrEqual((limitMib + spikeMib) * 2 ** 20);
  });

  test('every image is pinned to one release (no latest, no moving line tag)', () => {
    for (const [name, svc] of Object.entries(project.services)) {
      if (!svc.image) continue;
      expect({ name, image: svc.image }).toEqual({ name, image: expect.stringMatching(/:v?\d+\.\d+\.\d+(-[A-Za-z0-9][A-Za-z0-9_.-]*)?$/) });
    }
  });

  test('services, networks and volumes have the intended shape', () => {
    expect(Object.keys(project.services).sort()).toEqual(
      ['alertmanager', 'auth-server', 'grafana', 'loki', 'next-app', 'otel-collector', 'prometheus', 'prometheus-web-config', 'tempo'].sort(),
    );
    expect(project.networks.telemetry?.internal).toBe(true);
    // Every published service joins the non-internal `edge` network (an internal one cannot publish).
    for (const [name, svc] of Object.entries(project.services)) {
      if ((svc.ports ?? []).length > 0) expect({ name, networks: Object.keys(svc.networks ?? {}) }).toEqual({ name, networks: expect.arrayContaining(['edge']) });
    }
    // Data lives in named volumes.
    for (const v of ['loki-data', 'prometheus-data', 'prometheus-web', 'grafana-data', 'alertmanager-data', 'tempo-data']) expect(Object.keys(project.volumes)).toContain(v);
  });

  test('the apps send OTLP to the collector and carry their service name and environment', () => {
    for (const name of ['auth-server', 'next-app']) {
      const svc = project.services[name]!;
      expect(env(svc, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://otel-collector:4318');
      expect(env(svc, 'OTEL_SERVICE_NAME')).toBe(name);
      expect(env(svc, 'OTEL_RESOURCE_ATTRIBUTES')).toMatch(/(^|,)deployment\.environment\.name=[^,]+/);
    }
    expect(env(project.services['next-app']!, 'METRICS_TOKEN')).toBe(TEST_ENV.METRICS_TOKEN);
    // The Node images build from the repo root with a Node 24 base.
    for (const name of ['auth-server', 'next-app']) {
      const b = project.services[name]!.build!;
      expect(b.context).toBe(ROOT);
      expect(readFileSync(join(ROOT, b.dockerfile!), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:24\.[\d.]+-\S+$/m);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Prometheus

describe('Prometheus config (promtool, and a real Prometheus with the rendered web config)', () => {
  let promtool: string;
  let prometheusBin: string;
  let fsRoot: string; // the prometheus container's view, rebuilt from the compose mounts
  let configFile: string;
  let webConfigFile: string;
  let webUser: string;
  let webPassword: string;
  let prom: ServerProcess | undefined;
  let promUrl = '';

  beforeAll(async () => {
    promtool = await findTool('promtool');
    prometheusBin = await findTool('prometheus');
    await ensureHtpasswd();

    const svc = project.services.prometheus!;
    fsRoot = makeScratchDir('prometheus-fs');
    const inRoot = (p: string) => join(fsRoot, p);
    for (const v of svc.volumes ?? []) {
      if (v.type !== 'bind') continue;
      mkdirSync(dirname(inRoot(v.target)), { recursive: true });
      symlinkSync(v.source, inRoot(v.target));
    }
    for (const s of svc.secrets ?? []) {
      const def = project.secrets[s.source]!;
      const target = s.target && s.target.startsWith('/') ? s.target : posix.join('/run/secrets', s.target ?? s.source);
      mkdirSync(dirname(inRoot(target)), { recursive: true });
      const value = def.environment ? TEST_ENV[def.environment as keyof typeof TEST_ENV] : readFileSync(def.file!, 'utf8');
      writeFileSync(inRoot(target), value ?? '');
    }

    // The web config: rendered by the render service's own script into the volume that prometheus
    // mounts. Follow that wiring from the compose file instead of assuming it.
    const webFlag = flagValue(svc.command, '--web.config.file');
    const cfgFlag = flagValue(svc.command, '--config.file');
    if (!webFlag || !cfgFlag) throw new Error('prometheus command lacks --config.file or --web.config.file');
    const promWebMount = (svc.volumes ?? []).find((v) => v.type === 'volume' && webFlag.startsWith(`${v.target}/`));
    if (!promWebMount) throw new Error(`${webFlag} is not inside a named volume of the prometheus service`);
    const render = project.services['prometheus-web-config']!;
    const renderMount = render.volumes!.find((v) => v.type === 'volume' && v.source === promWebMount.source)!;
    const renderOut = render.entrypoint![render.entrypoint!.length - 1]!;
    const scriptMount = bindMount(render, render.entrypoint![1]!)!;
    expect(posix.relative(renderMount.target, renderOut)).toBe(posix.relative(promWebMount.target, webFlag));

    webUser = env(render, 'PROMETHEUS_WEB_USER')!;
    webPassword = env(render, 'PROMETHEUS_WEB_PASSWORD')!;
    expect(webPassword).toBe(TEST_ENV.PROMETHEUS_WEB_PASSWORD);
    mkdirSync(dirname(inRoot(webFlag)), { recursive: true });
    const rendered = await runCommand('sh', [scriptMount.source, inRoot(webFlag)], {
      env: { PROMETHEUS_WEB_USER: webUser, PROMETHEUS_WEB_PASSWORD: webPassword },
    });
    if (rendered.code !== 0) throw new Error(`render-web-config.sh failed:\n${rendered.stderr}`);
    configFile = inRoot(cfgFlag);
    webConfigFile = inRoot(webFlag);
  });

  afterAll(async () => {
    await prom?.stop();
    if (fsRoot) rmSync(fsRoot, { recursive: true, force: true });
  });

  test('promtool check config (rule files and the bearer-token file resolved through the compose mounts)', async () => {
    const res = await runCommand(promtool, ['check', 'config', configFile]);
    const out = res.stdout + res.stderr;
    expect({ code: res.code, out }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
    const ruleFiles = readdirSync(join(ROOT, 'stack/rules/prometheus')).filter((f) => f.endsWith('.yml'));
    expect(ruleFiles.length).toBeGreaterThan(0);
    for (const f of ruleFiles) expect(out).toContain(f);
    expect(out).not.toMatch(/FAILED/);
  });

  test('promtool check web-config on the rendered basic-auth config', async () => {
    const res = await runCommand(promtool, ['check', 'web-config', webConfigFile]);
    expect({ code: res.code, out: res.stdout + res.stderr }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
    const web = yamlFile(webConfigFile);
    expect(Object.keys(web.basic_auth_users)).toEqual([webUser]);
    expect(web.basic_auth_users[webUser]).toMatch(/^\$2[aby]\$10\$/);
    expect(readFileSync(webConfigFile, 'utf8')).not.toContain(webPassword);
  });

  test('render-web-config.sh refuses a short password and an unsafe user name', async () => {
    const script = join(ROOT, 'stack/prometheus/render-web-config.sh');
    const dir = makeScratchDir('render-web');
    try {
      const short = await runCommand('sh', [script, join(dir, 'a.yml')], { env: { PROMETHEUS_WEB_USER: 'p', PROMETHEUS_WEB_PASSWORD: 'short' } });
      expect(short.code).not.toBe(0);
      const badUser = await runCommand('sh', [script, join(dir, 'b.yml')], {
        env: { PROMETHEUS_WEB_USER: 'a": x', PROMETHEUS_WEB_PASSWORD: 'long-enough-password' },
      });
      expect(badUser.code).not.toBe(0);
      const unset = await runCommand('sh', [script, join(dir, 'c.yml')], { env: { PROMETHEUS_WEB_PASSWORD: undefined } });
      expect(unset.code).not.toBe(0);
      expect(existsSync(join(dir, 'a.yml')) || existsSync(join(dir, 'b.yml')) || existsSync(join(dir, 'c.yml'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a real Prometheus runs both files: 401 without credentials; with them, rules and scrape pools load', async () => {
    const port = await freePort();
    promUrl = `http://${HOST}:${port}`;
    const dataDir = makeScratchDir('prometheus-compose-data');
    prom = await spawnServer({
      name: 'prometheus-compose',
      command: prometheusBin,
      args: [
        `--config.file=${configFile}`,
        `--web.config.file=${webConfigFile}`,
        `--web.listen-address=${HOST}:${port}`,
        `--storage.tsdb.path=${dataDir}`,
      ],
      dir: dataDir,
      readyUrl: `${promUrl}/-/ready`,
      // Without credentials the server answers 401 as soon as it listens.
      readyStatus: (s) => s === 401,
    });
    const auth = { authorization: `Basic ${Buffer.from(`${webUser}:${webPassword}`).toString('base64')}` };
    const wrong = { authorization: `Basic ${Buffer.from(`${webUser}:not-the-password`).toString('base64')}` };

    for (const path of ['/-/ready', '/api/v1/status/config', '/metrics', '/graph']) {
      expect((await fetch(`${promUrl}${path}`)).status).toBe(401);
      expect((await fetch(`${promUrl}${path}`, { headers: wrong })).status).toBe(401);
    }
    await waitFor('prometheus ready with credentials', async () => ((await fetch(`${promUrl}/-/ready`, { headers: auth })).ok ? true : undefined));

    // Static targets reach the scrape manager after the first discovery update (about 5 s).
    const pools = await waitFor('scrape pools', async () => {
      const targets = (await (await fetch(`${promUrl}/api/v1/targets`, { headers: auth })).json()) as any;
      const m = new Map<string, Record<string, string>>();
      for (const t of targets.data.activeTargets) m.set(t.scrapePool, t.labels);
      return m.size >= 3 ? m : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect([...pools.keys()].sort()).toEqual(['auth-server', 'next-app', 'otel-collector']);
    for (const labels of pools.values()) {
      expect(labels.service).toBeTruthy();
      expect(labels.environment).toBeTruthy();
    }

    const rules = (await (await fetch(`${promUrl}/api/v1/rules`, { headers: auth })).json()) as any;
    const loadedGroups = rules.data.groups.map((g: any) => g.name).sort();
    const fileGroups: string[] = [];
    for (const f of readdirSync(join(ROOT, 'stack/rules/prometheus')).filter((x) => x.endsWith('.yml'))) {
      for (const g of yamlFile(join(ROOT, 'stack/rules/prometheus', f)).groups ?? []) fileGroups.push(g.name);
    }
    expect(loadedGroups).toEqual(fileGroups.sort());
    expect(loadedGroups.length).toBeGreaterThan(0);
  });

  test('scrape jobs match the compose services: target, port, service and environment labels', () => {
    const cfg = yamlFile(join(ROOT, 'stack/prometheus/prometheus.yml'));
    const collectorCfg = yamlFile(join(ROOT, 'otel-collector.yaml'));
    const promNets = Object.keys(project.services.prometheus!.networks ?? {});
    const jobs = cfg.scrape_configs as any[];
    expect(jobs.map((j) => j.job_name).sort()).toEqual(['auth-server', 'next-app', 'otel-collector']);
    for (const job of jobs) {
      for (const sc of job.static_configs) {
        for (const target of sc.targets as string[]) {
          const [host, port] = target.split(':') as [string, string];
          const svc = project.services[host];
          expect({ target, service: svc ? host : undefined }).toEqual({ target, service: host });
          // Reachable: shares a network with prometheus.
          expect(Object.keys(svc!.networks ?? {}).some((n) => promNets.includes(n))).toBe(true);
          // Listens on that port inside its container.
          const vars = Object.fromEntries(Object.entries(svc!.environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
          const ports = new Set<string>([
            ...(svc!.ports ?? []).map((p) => String(p.target)),
            ...(svc!.expose ?? []),
            ...(vars.OTEL_EXPORTER_PROMETHEUS_PORT ? [vars.OTEL_EXPORTER_PROMETHEUS_PORT] : []),
          ]);
          if (host === 'otel-collector') {
            for (const r of collectorCfg.service.telemetry.metrics.readers ?? []) {
              const p = r.pull?.exporter?.prometheus;
              if (p) {
                ports.add(resolveCollectorValue(p.port, vars));
                expect(resolveCollectorValue(p.host, vars)).toBe('0.0.0.0');
              }
            }
          }
          expect({ target, ports: [...ports] }).toEqual({ target, ports: expect.arrayContaining([port]) });
          // Labels equal what the service itself reports in its logs.
          const serviceName = vars.OTEL_SERVICE_NAME ?? host;
          expect(sc.labels.service).toBe(serviceName);
          const envAttr = /(?:^|,)deployment\.environment\.name=([^,]+)/.exec(vars.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1];
          const appEnv = env(project.services['auth-server']!, 'OTEL_RESOURCE_ATTRIBUTES')!.match(/deployment\.environment\.name=([^,]+)/)![1];
          expect(sc.labels.environment).toBe(envAttr ?? appEnv);
        }
      }
    }
    // The bearer token file is the compose secret made from the same METRICS_TOKEN that next-app and
    // auth-server check (oauth-otel's endpoints are closed without a token).
    expect(jobs.find((j) => j.job_name === 'next-app').metrics_path).toBe('/api/metrics');
    for (const name of ['next-app', 'auth-server']) {
      const job = jobs.find((j) => j.job_name === name);
      expect(job.authorization.type).toBe('Bearer');
      const secretRef = project.services.prometheus!.secrets!.find(
        (s) => s.target === posix.join(dirname(flagValue(project.services.prometheus!.command, '--config.file')!), job.authorization.credentials_file),
      );
      expect(secretRef).toBeDefined();
      expect(project.secrets[secretRef!.source]!.environment).toBe('METRICS_TOKEN');
      expect(env(project.services[name]!, 'METRICS_TOKEN')).toBe(env(project.services['next-app']!, 'METRICS_TOKEN'));
      expect(env(project.services[name]!, 'METRICS_TOKEN')).toBeTruthy();
    }
    // Retention of the TSDB: the same 30 days as Loki.
    expect(hours(flagValue(project.services.prometheus!.command, '--storage.tsdb.retention.time')!)).toBe(720);
    // Exemplars from the OpenMetrics scrapes are kept (the duration panels and the datasource's
    // exemplarTraceIdDestinations read them; stack/test/traces.test.ts proves the scrape carries them).
    expect(project.services.prometheus!.command).toContain('--enable-feature=exemplar-storage');
  });
});

// ---------------------------------------------------------------------------------------------
// Loki (structural: Loki is not run here)

describe('Loki config (structural check of stack/loki/loki-config.yaml; Loki itself is not run)', () => {
  const loki = () => project.services.loki!;
  const cfg = () => yamlFile(join(ROOT, 'stack/loki/loki-config.yaml'));
  const WANTED_INDEX = ['deployment.environment', 'deployment.environment.name', 'service.name'];

  test('the compose service loads this file', () => {
    const path = flagValue(loki().command, '-config.file');
    expect(path).toBeDefined();
    expect(rel(bindMount(loki(), path!)!.source)).toBe('stack/loki/loki-config.yaml');
    expect(loki().ports ?? []).toEqual([]);
  });

  // The single binary keeps its rings in memory (one replica); in simple scalable mode every backend
  // replica would then own every rule group and each alert would fire once per replica.
  test('docs/scaling.md moves every ring to memberlist, the ruler\'s included, and shards the rules', () => {
    const md = readFileSync(join(ROOT, 'docs', 'scaling.md'), 'utf8');
    const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!)).filter((b) => b && typeof b === 'object' && 'ruler' in b);
    expect(blocks).toHaveLength(1);
    const b = blocks[0];
    expect(b.common.ring.kvstore.store).toBe('memberlist');
    expect(b.ruler.ring.kvstore.store).toBe('memberlist');
    expect(b.ruler.enable_sharding).toBe(true);
    expect(b.memberlist.join_members.length).toBeGreaterThan(0);
    // …while the single-binary config, which the fragment replaces, has them in memory.
    expect(cfg().ruler.ring.kvstore.store).toBe('inmemory');
  });

  test('tenancy on, analytics off', () => {
    const c = cfg();
    expect(c.auth_enabled).toBe(true);
    expect(c.analytics?.reporting_enabled).toBe(false);
  });

  test('schema v13 on tsdb with filesystem storage (required for structured metadata)', () => {
    const c = cfg();
    const configs = c.schema_config.configs as any[];
    const active = [...configs].sort((a, b) => String(a.from).localeCompare(String(b.from))).at(-1);
    expect(active).toMatchObject({ store: 'tsdb', schema: 'v13', object_store: 'filesystem' });
    expect(c.common.storage.filesystem).toBeDefined();
    expect(c.common.replication_factor).toBe(1);
    expect(c.common.ring.kvstore.store).toBe('inmemory');
    expect(c.limits_config.allow_structured_metadata).toBe(true);
  });

  test('OTLP index labels are exactly service.name and the deployment environment; service.instance.id is not one', () => {
    const c = cfg();
    const ra = c.limits_config.otlp_config.resource_attributes;
    expect(ra.ignore_defaults).toBe(true);
    const indexEntries = (ra.attributes_config as any[]).filter((e) => e.action === 'index_label');
    expect(indexEntries.every((e) => e.regex === undefined)).toBe(true);
    expect(indexEntries.flatMap((e) => e.attributes).sort()).toEqual(WANTED_INDEX);
    // The distributor default list (used when a tenant does not override it) says the same.
    expect([...c.distributor.otlp_config.default_resource_attributes_as_index_labels].sort()).toEqual(WANTED_INDEX);
    const text = JSON.stringify([c.limits_config.otlp_config, c.distributor]);
    expect(text).not.toMatch(/"index_label"[^\]]*service\.instance\.id/);
    // Loki's per-line limits stay at (or below) its defaults: 64 KB of structured metadata, 128 entries.
    expect(c.limits_config.max_structured_metadata_entries_count).toBeLessThanOrEqual(128);
  });

  test('retention: 30 days, enforced by the compactor', () => {
    const c = cfg();
    expect(c.compactor.retention_enabled).toBe(true);
    expect(c.compactor.delete_request_store).toBe('filesystem');
    expect(hours(c.limits_config.retention_period)).toBe(720);
  });

  test('every path Loki writes is inside its named volume', () => {
    const c = cfg();
    const volume = (loki().volumes ?? []).find((v) => v.type === 'volume')!;
    expect(volume.source).toBe('loki-data');
    for (const p of [
      c.common.path_prefix,
      c.common.storage.filesystem.chunks_directory,
      c.compactor.working_directory,
      c.ruler.rule_path,
      c.ruler.wal.dir,
    ]) {
      expect({ p, inside: String(p).startsWith(`${volume.target}/`) || p === volume.target }).toEqual({ p, inside: true });
    }
  });

  test('the ruler directory, the collector header and the Grafana header follow LOKI_TENANT', async () => {
    const out = join(makeScratchDir('compose-check-tenant'), 'report.json');
    const args = ['-C', ROOT, '-f', 'docker-compose.yml', '-env-file', '.env.example', '-json', out, '-env', 'LOKI_TENANT=acme-tenant'];
    for (const [k, v] of Object.entries(TEST_ENV)) args.push('-env', `${k}=${v}`);
    await runCommand(CHECKER_BIN, args, { cwd: ROOT });
    const p = (JSON.parse(readFileSync(out, 'utf8')) as Report).project!;
    const rules = (p.services.loki!.volumes ?? []).find((v) => v.type === 'bind' && rel(v.source) === 'stack/rules/loki')!;
    expect(rules.target).toBe(`${cfg().ruler.storage.local.directory}/acme-tenant`);
    expect(parseYaml(env(p.services['otel-collector']!, 'LOKI_HEADERS')!)).toEqual({ 'X-Scope-OrgID': 'acme-tenant' });
    expect(env(p.services.grafana!, 'LOKI_TENANT')).toBe('acme-tenant');
  });

  test('ruler reads stack/rules/loki for the tenant the collector and Grafana use', () => {
    const c = cfg();
    expect(c.ruler.storage.type).toBe('local');
    const dir = c.ruler.storage.local.directory as string;
    const mount = (loki().volumes ?? []).find((v) => v.type === 'bind' && posix.dirname(v.target) === dir);
    expect(mount).toBeDefined();
    expect(rel(mount!.source)).toBe('stack/rules/loki');
    expect(mount!.read_only).toBe(true);
    const tenant = posix.basename(mount!.target);

    // The collector's exporter sends that tenant.
    const collector = project.services['otel-collector']!;
    const vars = Object.fromEntries(Object.entries(collector.environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
    const col = yamlFile(join(ROOT, 'otel-collector.yaml'));
    const lokiExporters = Object.entries(col.exporters).filter(([, e]: [string, any]) =>
      /loki:3100/.test(resolveCollectorValue(e.logs_endpoint ?? e.endpoint ?? '', vars)),
    );
    expect(lokiExporters.length).toBe(1);
    const [, exporter] = lokiExporters[0] as [string, any];
    // `headers` is one ${env:…} reference, which the collector reads as a YAML map.
    expect(parseYaml(resolveCollectorValue(exporter.headers, vars))).toEqual({ 'X-Scope-OrgID': tenant });
    expect(resolveCollectorValue(exporter.logs_endpoint, vars)).toBe(`http://loki:${c.server.http_listen_port}/otlp/v1/logs`);

    // Grafana's Loki datasource queries that tenant.
    const grafanaVars = Object.fromEntries(Object.entries(project.services.grafana!.environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
    const ds = yamlFile(join(ROOT, 'stack/grafana/provisioning/datasources/datasources.yaml')).datasources.find((d: any) => d.type === 'loki');
    expect(ds.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
    expect(resolveGrafanaValue(ds.secureJsonData.httpHeaderValue1, grafanaVars)).toBe(tenant);
  });

  test('LogQL in stack/rules/loki and dashboards/*.json selects and groups only by index labels this stack produces', () => {
    // Resource attributes the apps send: OTEL_SERVICE_NAME -> service.name, the keys of
    // OTEL_RESOURCE_ATTRIBUTES, and deployment.environment.name, which oauth-otel always sets
    // (packages/oauth-otel/src/init/resource.ts).
    const sent = new Set<string>(['service.name', 'deployment.environment.name']);
    for (const name of ['auth-server', 'next-app']) {
      for (const kv of (env(project.services[name]!, 'OTEL_RESOURCE_ATTRIBUTES') ?? '').split(',')) {
        if (kv.includes('=')) sent.add(kv.slice(0, kv.indexOf('=')).trim());
      }
    }
    // The collector's resource processors in the logs pipeline (insert/upsert/delete).
    const col = yamlFile(join(ROOT, 'otel-collector.yaml'));
    for (const id of col.service.pipelines.logs.processors as string[]) {
      if (!/^resource(\/|$)/.test(id)) continue;
      for (const a of col.processors[id].attributes ?? []) {
        if (a.action === 'delete') sent.delete(a.key);
        else if (a.action === 'insert' || a.action === 'upsert') {
          if (a.value !== undefined || (a.from_attribute && sent.has(a.from_attribute))) sent.add(a.key);
        }
      }
    }
    const c = cfg();
    const indexed = new Set<string>(
      (c.limits_config.otlp_config.resource_attributes.attributes_config as any[])
        .filter((e) => e.action === 'index_label')
        .flatMap((e) => e.attributes as string[]),
    );
    const produced = new Set([...sent].filter((a) => indexed.has(a)).map((a) => a.replace(/\./g, '_')));
    // Labels Loki could index (its default list) but that this stack does not produce.
    const couldBeIndex = new Set(
      ['service.name', 'service.namespace', 'service.instance.id', 'deployment.environment', 'deployment.environment.name', 'cloud.region', 'cloud.availability_zone', 'k8s.cluster.name', 'k8s.namespace.name', 'k8s.pod.name', 'k8s.container.name', 'container.name', 'k8s.replicaset.name', 'k8s.deployment.name', 'k8s.statefulset.name', 'k8s.daemonset.name', 'k8s.cronjob.name', 'k8s.job.name'].map((a) => a.replace(/\./g, '_')),
    );

    const queries: { where: string; expr: string }[] = [];
    for (const f of readdirSync(join(ROOT, 'stack/rules/loki')).filter((x) => /\.ya?ml$/.test(x))) {
      for (const g of yamlFile(join(ROOT, 'stack/rules/loki', f)).groups ?? []) {
        for (const r of g.rules ?? []) queries.push({ where: `stack/rules/loki/${f} ${r.alert ?? r.record}`, expr: r.expr });
      }
    }
    const dashDir = join(ROOT, 'dashboards');
    for (const f of existsSync(dashDir) ? readdirSync(dashDir).filter((x) => x.endsWith('.json')) : []) {
      const visit = (n: any, lokiScope: boolean, title: string) => {
        if (Array.isArray(n)) return n.forEach((x) => visit(x, lokiScope, title));
        if (!n || typeof n !== 'object') return;
        const isLoki = n.datasource?.type === 'loki' || (lokiScope && n.datasource === undefined);
        const t = typeof n.title === 'string' ? n.title : title;
        if (isLoki && typeof n.expr === 'string') queries.push({ where: `dashboards/${f} "${t}" ${n.refId ?? ''}`, expr: n.expr });
        for (const [k, v] of Object.entries(n)) if (k !== 'datasource') visit(v, isLoki, t);
      };
      visit(JSON.parse(readFileSync(join(dashDir, f), 'utf8')).panels ?? [], false, '');
    }
    expect(queries.length).toBeGreaterThan(0);

    const problems: string[] = [];
    for (const q of queries) {
      // Template variables and Grafana macros become plain values; only label names matter here.
      const expr = q.expr.replace(/\$__\w+/g, '5m').replace(/\$\{?(\w+)(?::\w+)?\}?/g, 'x');
      const tree = logqlParser.parse(expr);
      const cur = tree.cursor();
      do {
        if (cur.type.isError) problems.push(`${q.where}: LogQL does not parse near ${JSON.stringify(expr.slice(cur.from, cur.from + 20))}`);
        if (cur.type.name === 'Identifier') {
          const parent = cur.node.parent;
          const label = expr.slice(cur.from, cur.to);
          let inSelector = false;
          for (let p = parent; p; p = p.parent) if (p.type.name === 'Selector') inSelector = true;
          const inGrouping = parent?.type.name === 'Labels';
          if (inSelector && !produced.has(label)) problems.push(`${q.where}: stream selector uses ${label}, not an index label here`);
          if (inGrouping && couldBeIndex.has(label) && !produced.has(label)) problems.push(`${q.where}: groups by ${label}, which this stack never produces`);
        }
      } while (cur.next());
    }
    expect({ produced: [...produced].sort(), problems: [...new Set(problems)] }).toEqual({ produced: [...produced].sort(), problems: [] });
  });

  test('rule files in stack/rules/loki parse as rule groups', () => {
    const files = readdirSync(join(ROOT, 'stack/rules/loki')).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = yamlFile(join(ROOT, 'stack/rules/loki', f));
      expect({ f, groups: Array.isArray(doc?.groups) && doc.groups.length > 0 }).toEqual({ f, groups: true });
      // Loki's ruler can only store recording-rule results through remote write.
      const records = (doc.groups as any[]).flatMap((g) => g.rules ?? []).filter((r: any) => r.record);
      if (records.length > 0) expect({ f, remoteWrite: cfg().ruler.remote_write?.enabled === true }).toEqual({ f, remoteWrite: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Grafana provisioning

describe('Grafana provisioning (parsed and cross-checked with the compose file and dashboards/*.json)', () => {
  const grafana = () => project.services.grafana!;
  const grafanaVars = () => Object.fromEntries(Object.entries(grafana().environment ?? {}).map(([k, v]) => [k, v ?? undefined]));
  const datasources = () => yamlFile(join(ROOT, 'stack/grafana/provisioning/datasources/datasources.yaml')).datasources as any[];

  test('provisioning and dashboards are mounted where Grafana and the provider look', () => {
    expect(rel(bindMount(grafana(), '/etc/grafana/provisioning')!.source)).toBe('stack/grafana/provisioning');
    const providers = yamlFile(join(ROOT, 'stack/grafana/provisioning/dashboards/dashboards.yaml')).providers as any[];
    expect(providers.length).toBe(1);
    expect(providers[0].type).toBe('file');
    const mount = bindMount(grafana(), providers[0].options.path);
    expect(mount).toBeDefined();
    expect(rel(mount!.source)).toBe('dashboards');
  });

  test('admin password from the environment, anonymous access and sign-up off', () => {
    const v = grafanaVars();
    expect(v.GF_SECURITY_ADMIN_PASSWORD).toBe(TEST_ENV.GF_SECURITY_ADMIN_PASSWORD);
    expect(v.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(v.GF_USERS_ALLOW_SIGN_UP).toBe('false');
  });

  test('Prometheus datasource: basic auth with the same credentials Prometheus is rendered with', () => {
    const ds = datasources().find((d) => d.type === 'prometheus');
    const vars = grafanaVars();
    const render = project.services['prometheus-web-config']!;
    expect(ds.url).toBe('http://prometheus:9090');
    expect(project.services.prometheus!.ports!.map((p) => p.target)).toContain(9090);
    expect(ds.basicAuth).toBe(true);
    expect(resolveGrafanaValue(ds.basicAuthUser, vars)).toBe(env(render, 'PROMETHEUS_WEB_USER'));
    expect(resolveGrafanaValue(ds.secureJsonData.basicAuthPassword, vars)).toBe(env(render, 'PROMETHEUS_WEB_PASSWORD'));
    // No secret literal in the file: only variable references.
    expect(ds.secureJsonData.basicAuthPassword).toMatch(/^\$\{?[A-Z_]+\}?$/);
    // Grafana picks its PromQL features by this version: the compose image's release.
    expect(`v${ds.jsonData.prometheusVersion}`).toBe(project.services.prometheus!.image!.split(':')[1]);
  });

  test('every datasource has a uid and a url on the stack network; no reference to a missing datasource', () => {
    const all = datasources();
    const uids = new Set(all.map((d) => d.uid));
    expect(uids.size).toBe(all.length);
    for (const d of all) {
      expect(d.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      const host = new URL(d.url).hostname;
      expect(Object.keys(project.services)).toContain(host);
    }
    // Derived fields, exemplar links, trace-to-logs: every datasourceUid anywhere must exist.
    const refs: string[] = [];
    JSON.stringify(all, (k, v) => {
      if (k === 'datasourceUid' && typeof v === 'string') refs.push(v);
      return v;
    });
    for (const r of refs) expect(uids).toContain(r);
    // The three signals link both ways: logs → trace, exemplars → trace, trace → logs and metrics.
    expect(new Set(refs)).toEqual(new Set(['tempo', 'loki', 'prometheus']));
    const tempo = all.find((d) => d.type === 'tempo') as unknown as { url: string; jsonData: { tracesToLogsV2: { datasourceUid: string }; tracesToMetrics: { datasourceUid: string } } };
    expect(tempo.jsonData.tracesToLogsV2.datasourceUid).toBe('loki');
    expect(tempo.jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
    // The collector's traces pipeline writes where the datasource reads: the tempo service.
    expect(project.services['otel-collector']!.environment!.TRACES_OTLP_ENDPOINT).toBe('http://tempo:4318/v1/traces');
  });

  test('dashboards/*.json: every datasource variable and fixed datasource reference resolves to a provisioned datasource of its type', () => {
    const dir = join(ROOT, 'dashboards');
    expect(existsSync(dir) && statSync(dir).isDirectory()).toBe(true);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const byUid = new Map(datasources().map((d) => [d.uid as string, d.type as string]));
    const types = new Set(byUid.values());
    const defaultType = datasources().find((d) => d.isDefault)?.type as string | undefined;
    const countOfType = (t: string) => [...byUid.values()].filter((x) => x === t).length;
    const problems: string[] = [];
    for (const f of files) {
      const dash = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      // Exported-for-sharing dashboards use ${DS_X} inputs that file provisioning never resolves.
      if (dash.__inputs) problems.push(`${f}: has __inputs (file provisioning does not resolve them)`);
      const dsVars = new Map<string, string>();
      for (const v of dash.templating?.list ?? []) {
        if (v.type !== 'datasource') continue;
        dsVars.set(v.name, v.query);
        if (!types.has(v.query)) problems.push(`${f}: variable ${v.name} wants a ${v.query} datasource, none is provisioned`);
        const cur = v.current?.value;
        // "default" means the org's default datasource; for another type Grafana falls back to the
        // first datasource of the variable's type, which is only unambiguous when there is one.
        if (cur === 'default' && v.query !== defaultType && countOfType(v.query) !== 1) {
          problems.push(`${f}: variable ${v.name} defaults to "default" but ${countOfType(v.query)} ${v.query} datasources exist`);
        }
        if (typeof cur === 'string' && cur && !cur.startsWith('$') && cur !== 'default' && byUid.has(cur) === false && !types.has(cur)) {
          problems.push(`${f}: variable ${v.name} defaults to datasource ${cur}, which is not provisioned`);
        }
      }
      const visit = (node: any) => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!node || typeof node !== 'object') return;
        const ds = node.datasource;
        if (ds && typeof ds === 'object' && typeof ds.uid === 'string') {
          const m = /^\$\{?([A-Za-z0-9_]+)(?::[A-Za-z]+)?\}?$/.exec(ds.uid);
          if (m) {
            const t = dsVars.get(m[1]!);
            if (t === undefined) problems.push(`${f}: datasource ${ds.uid} is not a datasource variable`);
            else if (ds.type && ds.type !== t) problems.push(`${f}: datasource ${ds.uid} has type ${ds.type}, the variable selects ${t}`);
          } else if (!['-- Grafana --', 'grafana'].includes(ds.uid)) {
            const t = byUid.get(ds.uid);
            if (t === undefined) problems.push(`${f}: datasource uid ${ds.uid} is not provisioned`);
            else if (ds.type && ds.type !== t) problems.push(`${f}: datasource uid ${ds.uid} is ${t}, the panel says ${ds.type}`);
          }
        }
        for (const [k, v] of Object.entries(node)) if (k !== 'datasource') visit(v);
      };
      visit(dash.panels ?? []);
      visit(dash.annotations ?? {});
      visit(dash.templating ?? {});
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// docs

describe('docs/stack.md says what the configs do', () => {
  const doc = () => readFileSync(join(ROOT, 'docs/stack.md'), 'utf8');

  test('retention, ports and required variables', () => {
    const d = doc();
    expect(d).toMatch(/30 days/);
    for (const svc of Object.values(project.services)) {
      for (const p of svc.ports ?? []) expect(d).toContain(`127.0.0.1:${p.published}`);
    }
    for (const k of Object.keys(TEST_ENV)) expect(d).toContain(k);
    expect(d).toContain('service_name');
    expect(d).toContain('service.instance.id');
  });
});
