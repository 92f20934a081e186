/**
 * Where the real backend binaries are. Installed (or reused) by scripts/backends/ensure-all.sh,
 * which writes $OAUTH_OTEL_CACHE/backends.json; `source scripts/backends/env.sh` exports the same
 * paths as OAUTH_OTEL_*_BIN variables, which win over the JSON file.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface BackendPaths {
  prometheus: string;
  promtool: string;
  alertmanager: string;
  collector: string;
  victoriaLogs: string;
  jaeger: string;
  chromium: string;
}

export type BackendName = keyof BackendPaths;

const ENV_VARS: Record<BackendName, string> = {
  prometheus: 'OAUTH_OTEL_PROMETHEUS_BIN',
  promtool: 'OAUTH_OTEL_PROMTOOL_BIN',
  alertmanager: 'OAUTH_OTEL_ALERTMANAGER_BIN',
  collector: 'OAUTH_OTEL_COLLECTOR_BIN',
  victoriaLogs: 'OAUTH_OTEL_VICTORIALOGS_BIN',
  jaeger: 'OAUTH_OTEL_JAEGER_BIN',
  chromium: 'OAUTH_OTEL_CHROMIUM_BIN',
};

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const COLLECTOR_MANIFEST = join(REPO_ROOT, 'stack', 'collector', 'manifest.yaml');
/** The collector config users run (and docker-compose mounts). */
export const SHIPPED_COLLECTOR_CONFIG = join(REPO_ROOT, 'otel-collector.yaml');

const HOW_TO_FIX = 'run `bash scripts/backends/ensure-all.sh` (installs or reuses every backend, a few minutes when cold)';

export function cacheDir(): string {
  return process.env.OAUTH_OTEL_CACHE || join(homedir(), '.cache', 'oauth-otel');
}

interface BackendsJson extends Partial<BackendPaths> {
  collectorManifestSha256?: string;
}

function readJson(): BackendsJson | undefined {
  const file = join(cacheDir(), 'backends.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as BackendsJson;
}

/** Same key as manifest_sha in scripts/backends/lib.sh: the manifest without comments and blank lines. */
export function collectorManifestKey(): string {
  const lines = readFileSync(COLLECTOR_MANIFEST, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*(#|$)/.test(l));
  return createHash('sha256').update(lines.map((l) => `${l}\n`).join('')).digest('hex');
}

function assertExecutable(name: BackendName, path: string, from: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`backend ${name}: ${path} (from ${from}) is missing or not executable; ${HOW_TO_FIX}`);
  }
}

/** Path of one backend binary; throws with a fix-it message when it is not installed. */
export function backendPath(name: BackendName): string {
  const envVar = ENV_VARS[name];
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    assertExecutable(name, fromEnv, envVar);
    return fromEnv;
  }
  const json = readJson();
  const fromJson = json?.[name];
  if (!json || !fromJson) {
    throw new Error(`backend ${name}: not found in ${envVar} nor in ${join(cacheDir(), 'backends.json')}; ${HOW_TO_FIX}`);
  }
  if (name === 'collector' && json.collectorManifestSha256 && json.collectorManifestSha256 !== collectorManifestKey()) {
    throw new Error(`backend collector: ${fromJson} was built from another stack/collector/manifest.yaml; ${HOW_TO_FIX}`);
  }
  assertExecutable(name, fromJson, 'backends.json');
  return fromJson;
}

/** All backend paths (throws if any is missing). */
export function backends(): BackendPaths {
  return {
    prometheus: backendPath('prometheus'),
    promtool: backendPath('promtool'),
    alertmanager: backendPath('alertmanager'),
    collector: backendPath('collector'),
    victoriaLogs: backendPath('victoriaLogs'),
    jaeger: backendPath('jaeger'),
    chromium: backendPath('chromium'),
  };
}
