// Starts the example alone: the example authorization server (honest, wrong-iss, no-s256) and the
// Next.js app, as child processes. Used by scripts/dev.mjs and scripts/screenshots.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO = resolve(APP_DIR, '..', '..');
const AS_MAIN = join(REPO, 'examples', 'auth-server', 'src', 'main.mjs');
const NEXT_BIN = join(REPO, 'node_modules', 'next', 'dist', 'bin', 'next');
/** Same environment label for every process (as docker-compose.yml sets it), unless given. */
const DEFAULT_ENV = { OTEL_RESOURCE_ATTRIBUTES: process.env.OTEL_RESOURCE_ATTRIBUTES ?? 'deployment.environment.name=development' };

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 15)) {
    throw new Error(`Node ${process.versions.node} is too old (oauth-otel needs >= 22.15). Run through npm (npm run demo -w @oauth-otel/example-next-app), which uses the repo's Node 24.`);
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/** True when `next build` output is missing or older than a source file of the app. */
export function buildIsStale() {
  const id = join(APP_DIR, '.next', 'BUILD_ID');
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const sources = ['app', 'lib', 'instrumentation.ts', 'next.config.mjs', 'package.json', 'tsconfig.json'].map((p) => join(APP_DIR, p));
  return sources.some((p) => existsSync(p) && newestMtime(p) > built);
}

/** Builds oauth-otel (if its dist is missing) and the app (if stale). Synchronous, inherits stdio. */
export function ensureBuilt({ force = false, log = console.log } = {}) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  if (!existsSync(join(REPO, 'packages', 'oauth-otel', 'dist', 'index.js'))) {
    log('building oauth-otel (packages/oauth-otel/dist is missing)…');
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'packages', 'oauth-otel', 'tsconfig.build.json')], { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error('oauth-otel build failed');
  }
  if (force || buildIsStale()) {
    log('next build…');
    const r = spawnSync(process.execPath, [NEXT_BIN, 'build', APP_DIR], { stdio: 'inherit', env, cwd: APP_DIR });
    if (r.status !== 0) throw new Error('next build failed');
  }
}

function prefixLines(stream, prefix, write) {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      write(`${prefix} ${buf.slice(0, i)}`);
      buf = buf.slice(i + 1);
    }
  });
}

/** Starts examples/auth-server/src/main.mjs and resolves with the JSON line it prints. */
export function startAuthServer({ name, port, variant = 'honest', metricsPort, env = {}, quiet = false, write = console.log }) {
  const child = spawn(process.execPath, [AS_MAIN], {
    cwd: REPO,
    env: { ...process.env, ...DEFAULT_ENV, PORT: String(port), HOST: '127.0.0.1', VARIANT: variant, METRICS_PORT: String(metricsPort), OTEL_SERVICE_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((res, rej) => {
    let info;
    const timer = setTimeout(() => rej(new Error(`${name} did not start within 20 s`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!info) rej(new Error(`${name} exited with ${code} before it was ready`));
    });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!info && line.startsWith('{"issuer"')) {
          info = JSON.parse(line);
          clearTimeout(timer);
          res({ name, child, ...info });
        } else if (!quiet) write(`[${name}] ${line}`);
      }
    });
    if (!quiet) prefixLines(child.stderr, `[${name}]`, write);
  });
}

export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The whole example. Ports: app 3000, ASes 4000-4002, their /metrics 9464-9466 (all on
 * 127.0.0.1; pass 0 for free ports). Returns URLs and stop().
 */
/** The https origin of the demo's CIMD client_id (never resolved: the AS maps it to the app). */
const DEMO_CIMD_ORIGIN = 'https://next-app.example';

export async function startExample(o = {}) {
  checkNode();
  const write = o.write ?? console.log;
  const appPort = o.appPort === 0 ? await freePort() : (o.appPort ?? 3000);
  const asPorts = o.asPorts ?? [4000, 4001, 4002];
  const metricsPorts = o.metricsPorts ?? [9464, 9465, 9466];
  const metricsToken = process.env.METRICS_TOKEN || randomBytes(24).toString('base64url');
  const children = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res();
            c.once('exit', () => res());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  };
  try {
    const variants = [
      ['auth-server', 'honest'],
      ['auth-server-wrong-iss', 'wrong-iss'],
      ['auth-server-no-s256', 'no-s256'],
    ];
    const servers = [];
    const appUrl = `http://127.0.0.1:${appPort}`;
    // CIMD: the honest AS fetches the app's client ID metadata document (an https client_id) from the app.
    const cimdClientId = `${DEMO_CIMD_ORIGIN}/api/oauth/client-metadata`;
    for (const [i, [name, variant]] of variants.entries()) {
      const env = { ...(variant === 'honest' ? { CIMD_ORIGINS: `${DEMO_CIMD_ORIGIN}=${appUrl}` } : {}), ...(o.asEnv ?? {}) };
      const s = await startAuthServer({ name, variant, port: asPorts[i], metricsPort: metricsPorts[i], env, quiet: o.quiet, write });
      children.push(s.child);
      servers.push(s);
    }
    const env = {
      ...process.env,
      ...DEFAULT_ENV,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      APP_URL: appUrl,
      AUTH_SERVER_ISSUER: servers[0].issuer,
      WRONG_ISS_AUTH_SERVER_ISSUER: servers[1].issuer,
      NO_S256_AUTH_SERVER_ISSUER: servers[2].issuer,
      CIMD_CLIENT_ID: cimdClientId,
      METRICS_TOKEN: metricsToken,
      OTEL_SERVICE_NAME: 'next-app',
      // demo pace: every token counts as "expiring soon", jobs run every 30 s
      SCHEDULED_REFRESH_INTERVAL_SECONDS: process.env.SCHEDULED_REFRESH_INTERVAL_SECONDS ?? '30',
      REFRESH_AHEAD_SECONDS: process.env.REFRESH_AHEAD_SECONDS ?? '3600',
      PKCE_CLEANUP_INTERVAL_SECONDS: process.env.PKCE_CLEANUP_INTERVAL_SECONDS ?? '30',
      ...(o.appEnv ?? {}),
    };
    const args = o.dev ? [NEXT_BIN, 'dev', APP_DIR, '-p', String(appPort), '-H', '127.0.0.1'] : [NEXT_BIN, 'start', APP_DIR, '-p', String(appPort), '-H', '127.0.0.1'];
    if (o.dev) env.NODE_ENV = 'development';
    const app = spawn(process.execPath, args, { cwd: APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(app);
    if (!o.quiet) {
      prefixLines(app.stdout, '[next-app]', write);
      prefixLines(app.stderr, '[next-app]', write);
    }
    await waitForHttp(`${appUrl}/api/state`);
    return { appUrl, metricsToken, servers, children, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
