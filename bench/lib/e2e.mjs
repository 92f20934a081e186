// Shared pieces of the end-to-end benchmarks: the example AS as a child process (bench/lib/
// auth-server.mjs), an OTLP/HTTP sink, and autocannon load on the token endpoint with exact
// (sub-millisecond) latency percentiles.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';
import { CC_CLIENT, REFRESH_CLIENT } from './clients.mjs';
import { basic, mintRefreshToken, refreshBody } from './oauth-flow.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '../..');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const load1 = () => os.loadavg()[0];

/** A free 127.0.0.1 port (asked from the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, µs) and resident set (bytes) of any pid, from /proc. */
export function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
    const rssPages = Number(f[21]); // field 24
    return { cpuUs: (ticks * 1e6) / 100, rss: rssPages * 4096 };
  } catch {
    return undefined;
  }
}

/**
 * Starts bench/lib/auth-server.mjs (mode 'plain' | 'instrumented') on free ports. stdout (the
 * package's JSON log lines) goes to /dev/null; stderr is kept for failures.
 */
export async function startServer(mode, env = {}, { execArgv = [] } = {}) {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = fork(join(here, 'auth-server.mjs'), [], {
    env: { ...process.env, NODE_OPTIONS: '', BENCH_MODE: mode, PORT: String(port), METRICS_PORT: String(metricsPort), ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execPath: process.execPath,
    execArgv,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 20_000) stderr += d;
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const pending = new Map();
  let seq = 0;
  let stoppedMsg;
  child.on('message', (m) => {
    if (m?.type === 'stats' && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
    if (m?.type === 'stopped') stoppedMsg = m;
  });
  const ready = await Promise.race([
    new Promise((r) => child.on('message', (m) => m?.type === 'ready' && r(m))),
    exited.then((e) => {
      throw new Error(`auth server (${mode}) exited early ${JSON.stringify(e)}: ${stderr}`);
    }),
    sleep(30_000).then(() => {
      throw new Error(`auth server (${mode}) did not start in 30 s: ${stderr}`);
    }),
  ]);
  return {
    mode,
    pid: child.pid,
    url: ready.url,
    resource: ready.resource,
    metricsUrl: ready.metrics,
    child,
    exited,
    stderr: () => stderr,
    /** {cpu: process.cpuUsage(), mem: process.memoryUsage(), store, drops} from inside the process. */
    stats(timeoutMs = 10_000, { gc = false } = {}) {
      const id = ++seq;
      const answer = new Promise((r) => pending.set(id, r));
      try {
        child.send({ type: 'stats', id, gc });
      } catch {
        return Promise.resolve(undefined);
      }
      return Promise.race([answer, sleep(timeoutMs).then(() => undefined)]);
    },
    /** Graceful stop (close + bounded flush, like main.mjs); SIGKILL after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.send({ type: 'stop' });
        } catch {
          child.kill('SIGTERM');
        }
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      return stoppedMsg;
    },
  };
}

/** OTLP/HTTP logs sink: answers 200 (empty protobuf response) and counts requests and bytes. */
export async function startOtlpSink(port = 0) {
  const sink = { requests: 0, bytes: 0, url: '', close: undefined };
  const server = createServer((req, res) => {
    let n = 0;
    req.on('data', (c) => (n += c.length));
    req.on('end', () => {
      sink.requests++;
      sink.bytes += n;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => new Promise((r) => (server.closeAllConnections(), server.close(() => r())));
  return sink;
}

/** A pool of live refresh tokens: each request takes one; its response puts the rotated one back. */
export async function refreshPool(server, size) {
  const tokens = [];
  // a few flows at a time: the interactive part is several requests each
  for (let i = 0; i < size; i += 4) {
    tokens.push(...(await Promise.all(Array.from({ length: Math.min(4, size - i) }, () => mintRefreshToken(server.url, server.resource)))));
  }
  return tokens;
}

/**
 * Refills `pool` to `size` live tokens. A run that ends with requests in flight loses their tokens
 * (the server rotated them, autocannon never reads those answers): call it before every run.
 */
export async function topUpPool(server, pool, size) {
  if (pool.length < size) pool.push(...(await refreshPool(server, size - pool.length)));
  return pool;
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/**
 * Closed-loop load on POST /token for `seconds` with `connections` keep-alive connections.
 * grant 'client_credentials' (benchmark-client) or 'refresh_token' (needs `pool`, from refreshPool()).
 */
export async function tokenLoad(server, { grant, seconds, connections = 10, pool }) {
  const u = new URL('/token', server.url);
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  let lost = 0;
  let request;
  if (grant === 'client_credentials') {
    request = { method: 'POST', path: '/token', headers: { ...headers, authorization: basic(CC_CLIENT.client_id, CC_CLIENT.client_secret) }, body: 'grant_type=client_credentials' };
  } else {
    const auth = basic(REFRESH_CLIENT.client_id, REFRESH_CLIENT.client_secret);
    request = {
      method: 'POST',
      path: '/token',
      setupRequest(req) {
        const rt = pool.shift();
        if (rt === undefined) throw new Error('refresh token pool exhausted');
        return { ...req, headers: { ...headers, authorization: auth }, body: refreshBody(rt, server.resource) };
      },
      onResponse(status, body) {
        try {
          const rt = status === 200 ? JSON.parse(String(body)).refresh_token : undefined;
          if (rt) pool.push(rt);
          else lost++;
        } catch {
          lost++;
        }
      },
    };
  }
  const latencies = [];
  const cpu0 = await server.stats();
  const t0 = process.hrtime.bigint();
  const instance = autocannon({ url: u.origin, connections, duration: seconds, requests: [request], timeout: 30 });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const r = await instance;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = await server.stats();
  latencies.sort((a, b) => a - b);
  const ok = r['2xx'];
  const cpuOf = (st) => st.cpu.user + st.cpu.system;
  const cpuUs = cpu0 && cpu1 ? cpuOf(cpu1) - cpuOf(cpu0) : NaN;
  return {
    mode: server.mode,
    grant,
    seconds: r.duration,
    wall,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    lostRefreshTokens: lost,
    rps: ok / r.duration,
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1), mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1) },
    cpuUsPerRequest: cpuUs / Math.max(1, ok),
    cpuCores: cpuUs / 1e6 / wall,
    load1: load1(),
  };
}

export function packageVersions() {
  // read the files directly: several packages do not export ./package.json
  const v = (p) => {
    for (const dir of ['node_modules', 'packages/oauth-otel/node_modules', 'examples/auth-server/node_modules', 'packages']) {
      const f = join(ROOT, dir, p === 'oauth-otel' && dir === 'packages' ? 'oauth-otel' : p, 'package.json');
      try {
        return JSON.parse(readFileSync(f, 'utf8')).version;
      } catch {
        /* next */
      }
    }
    return undefined;
  };
  return Object.fromEntries(['oauth-otel', 'oidc-provider', 'autocannon', '@opentelemetry/api', '@opentelemetry/core', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-logs', '@opentelemetry/exporter-logs-otlp-proto', '@opentelemetry/exporter-prometheus', 'winston', '@opentelemetry/winston-transport'].map((p) => [p, v(p)]).filter(([, x]) => x));
}

export function machineInfo() {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    packages: packageVersions(),
    loadavg: os.loadavg(),
    date: new Date().toISOString(),
  };
}

export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Open-loop load on POST /token: requests are sent on a fixed schedule (`rate` per second),
 * whatever the answers, over a keep-alive pool, and each latency is measured from the request's
 * scheduled time (so a stall shows as latency, not as fewer requests: no coordinated omission).
 * Below saturation the throughput equals the offered rate on every server; what differs is the
 * server's CPU per request (process.cpuUsage() over IPC) and the latency.
 * grant 'client_credentials' or 'refresh_token' (takes from `pool`, puts the rotated token back;
 * a due request with an empty pool is counted as `starved`).
 */
export async function openLoad(server, { grant, rate, seconds, pool, maxSockets = 64 }) {
  const { request: httpRequest, Agent } = await import('node:http');
  const u = new URL('/token', server.url);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const cc = grant === 'client_credentials';
  const auth = cc ? basic(CC_CLIENT.client_id, CC_CLIENT.client_secret) : basic(REFRESH_CLIENT.client_id, REFRESH_CLIENT.client_secret);
  const latencies = [];
  const res = { ok: 0, non2xx: 0, errors: 0, starved: 0, lost: 0, sent: 0 };
  let inFlight = 0;
  const send = (due) => {
    let body;
    if (cc) body = 'grant_type=client_credentials';
    else {
      const rt = pool.shift();
      if (rt === undefined) return void res.starved++;
      body = refreshBody(rt, server.resource);
    }
    res.sent++;
    inFlight++;
    const req = httpRequest({ agent, host: u.hostname, port: u.port, path: '/token', method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        inFlight--;
        const ms = Number(process.hrtime.bigint() - due) / 1e6;
        if (r.statusCode >= 200 && r.statusCode < 300) {
          res.ok++;
          latencies.push(ms);
          if (!cc) {
            try {
              pool.push(JSON.parse(Buffer.concat(chunks).toString()).refresh_token);
            } catch {
              res.lost++;
            }
          }
        } else res.non2xx++;
      });
    });
    req.on('error', () => {
      inFlight--;
      res.errors++;
    });
    req.end(body);
  };
  const cpu0 = await server.stats();
  const start = process.hrtime.bigint();
  const intervalNs = BigInt(Math.round(1e9 / rate));
  const total = Math.round(rate * seconds);
  let next = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      while (next < total && start + BigInt(next) * intervalNs <= now) send(start + BigInt(next++) * intervalNs);
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  // let the last answers arrive (bounded)
  for (let i = 0; i < 200 && inFlight > 0; i++) await sleep(10);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu1 = await server.stats();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const cpuOf = (st) => st.cpu.user + st.cpu.system;
  const cpuUs = cpu0 && cpu1 ? cpuOf(cpu1) - cpuOf(cpu0) : NaN;
  return {
    mode: server.mode,
    grant,
    rate,
    seconds,
    wall,
    ...res,
    inFlightAtEnd: inFlight,
    rps: res.ok / seconds,
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) },
    cpuUsPerRequest: cpuUs / Math.max(1, res.ok),
    cpuCores: cpuUs / 1e6 / wall,
    load1: load1(),
  };
}

/** Fixed-decimals formatters of the end-to-end tables ('–' for a missing number). */
const fixed = (d) => (x) => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const f0 = fixed(0);
export const f1 = fixed(1);
export const f2 = fixed(2);
export const f3 = fixed(3);

/** `--name value` reader over `argv`. */
export const argReader = (argv) => (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};

/**
 * Stops the servers (graceful, bounded) and returns the instrumented server's drop counters
 * (`instrumentedIndex` in `servers`); prints and flags any drop through `onDrop`.
 */
export async function stopAll(servers, instrumentedIndex, onDrop) {
  const stopped = await Promise.all(servers.map((x) => x.stop()));
  const drops = stopped[instrumentedIndex]?.drops ?? {};
  if (Object.values(drops).some((n) => n > 0)) {
    console.log(`  ! instrumented server dropped telemetry: ${JSON.stringify(drops)}`);
    onDrop();
  }
  return drops;
}
