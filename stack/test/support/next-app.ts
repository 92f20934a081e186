/**
 * The built Next.js example client (`next start`): the e2e browser test and the trace test both
 * run it as users do. It is built first when its .next output is missing or older than its sources
 * (`npm test` builds it before jest, so in CI this is a timestamp check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './backends';

export const NEXT_APP_DIR = join(REPO_ROOT, 'examples', 'next-app');
export const NEXT_BIN = join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, e) => Math.max(m, newestMtime(join(path, e))), st.mtimeMs);
}

/** Builds the example when stale; returns the build's duration in ms (0 when it was fresh). */
export function buildNextAppIfStale(): number {
  const id = join(NEXT_APP_DIR, '.next', 'BUILD_ID');
  const sources = ['app', 'lib', 'instrumentation.ts', 'next.config.mjs', 'package.json', 'tsconfig.json'].map((p) => join(NEXT_APP_DIR, p));
  if (existsSync(id) && !sources.some((p) => existsSync(p) && newestMtime(p) > statSync(id).mtimeMs)) return 0;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [NEXT_BIN, 'build', NEXT_APP_DIR], { cwd: NEXT_APP_DIR, env: { ...process.env, NODE_OPTIONS: '', NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`next build failed:\n${r.stdout}\n${r.stderr}`);
  return Date.now() - t0;
}
