/**
 * The external tools the query tests run: the Go dashboard checker (built from stack/tools/dashboard-check
 * into the cache, keyed by its sources) and promtool.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './extract';

export function cacheDir(): string {
  return process.env.OAUTH_OTEL_CACHE || join(homedir(), '.cache', 'oauth-otel');
}

const CHECKER_DIR = join(REPO_ROOT, 'stack', 'tools', 'dashboard-check');

/** Build (once per source version) and return the path of the dashboard-check binary. */
export function dashboardCheckBinary(): string {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(CHECKER_DIR, f)));
  const dir = join(cacheDir(), 'dashboard-check');
  const bin = join(dir, `dashboard-check-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  execFileSync('go', ['build', '-o', tmp, '.'], {
    cwd: CHECKER_DIR,
    env: { ...process.env, GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  renameSync(tmp, bin);
  return bin;
}

export function runDashboardCheck(files: string[]): { code: number | null; output: string } {
  const r = spawnSync(dashboardCheckBinary(), files, { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * promtool: $OAUTH_OTEL_PROMTOOL_BIN, else backends.json of scripts/backends/ensure-prometheus.sh,
 * else `promtool` on PATH (Debian's prometheus package).
 */
export function promtoolPath(): string {
  if (process.env.OAUTH_OTEL_PROMTOOL_BIN) return process.env.OAUTH_OTEL_PROMTOOL_BIN;
  const json = join(cacheDir(), 'backends.json');
  if (existsSync(json)) {
    const p = (JSON.parse(readFileSync(json, 'utf8')) as { promtool?: string }).promtool;
    if (p && existsSync(p)) return p;
  }
  const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error('promtool not found: run `bash scripts/backends/ensure-prometheus.sh` (or apt-get install prometheus)');
}

/** Same lookup for the prometheus server binary. */
export function prometheusPath(): string {
  if (process.env.OAUTH_OTEL_PROMETHEUS_BIN) return process.env.OAUTH_OTEL_PROMETHEUS_BIN;
  const json = join(cacheDir(), 'backends.json');
  if (existsSync(json)) {
    const p = (JSON.parse(readFileSync(json, 'utf8')) as { prometheus?: string }).prometheus;
    if (p && existsSync(p)) return p;
  }
  const which = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error('prometheus not found: run `bash scripts/backends/ensure-prometheus.sh` (or apt-get install prometheus)');
}

export function runPromtool(args: string[]): { code: number | null; output: string } {
  const r = spawnSync(promtoolPath(), args, { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
