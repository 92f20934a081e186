/**
 * The external tools the query tests run: the Go dashboard checker (built from stack/tools/dashboard-check
 * into the cache, keyed by its sources) and promtool.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { backendPath } from '../support/backends';
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
 * promtool and prometheus: Prometheus 3 at the release docker-compose.yml runs, built by
 * scripts/backends/ensure-prometheus.sh ($OAUTH_OTEL_*_BIN, else backends.json). Never a binary
 * from PATH: Debian's 2.42 stores histogram `le` labels differently and would hide real breaks.
 */
export function promtoolPath(): string {
  return backendPath('promtool');
}

export function prometheusPath(): string {
  return backendPath('prometheus');
}

export function runPromtool(args: string[]): { code: number | null; output: string } {
  const r = spawnSync(promtoolPath(), args, { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
