#!/usr/bin/env node
/**
 * The collector's CPU cost of the scrub rules: the real collector (the cached otelcol build) runs
 * the shipped otel-collector.yaml twice (an A/A pair) and once with the logs pipeline's scrub
 * processors (transform/scrub, redaction/secrets) removed; the same OTLP/HTTP protobuf requests
 * go to each in rotating rounds, and the collector process's own CPU time (/proc/<pid>/stat,
 * utime + stime) per record is compared. The export goes to a local sink that answers 200.
 *
 *   npm run build && node bench/collector-scrub.mjs       # full run
 *   node bench/collector-scrub.mjs --smoke                # a few requests per collector (seconds)
 *   node bench/collector-scrub.mjs --config=<file>        # another version of the config
 *   node bench/collector-scrub.mjs --compare=<file>       # also that config, in the same rounds
 *
 * Only ratios within one run mean anything (shared, noisy VM); `uptime` is printed beside them.
 * Linux only (/proc). Prints results; writes nothing.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir, homedir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/cpu-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const SMOKE = process.argv.includes('--smoke');
const num = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const ROUNDS = num('rounds', SMOKE ? 2 : 7);
const REQUESTS = num('requests', SMOKE ? 2 : 20); // per collector per round
const PER_REQUEST = 200; // records

const backends = JSON.parse(readFileSync(join(homedir(), '.cache/oauth-otel/backends.json'), 'utf8'));
// --config=<file>: another version of the config (e.g. `git show main:otel-collector.yaml`).
const configArg = process.argv.find((a) => a.startsWith('--config='));
const shipped = readFileSync(configArg ? configArg.slice(9) : join(root, 'otel-collector.yaml'), 'utf8');
const SCRUB = 'processors: [memory_limiter, transform/scrub, redaction/secrets, resource/loki-labels, batch]';
if (!shipped.includes(SCRUB)) throw new Error('otel-collector.yaml: the logs pipeline line changed; update bench/collector-scrub.mjs');
const noScrub = shipped.replace(SCRUB, 'processors: [memory_limiter, resource/loki-labels, batch]');

// ---- the records: realistic app logs, mostly harmless, some with secrets -------------------
const { ProtobufLogsSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const S = 'Zq8xV3kLmN0pQrS7tUvW9yAbC';
const bodies = [
  JSON.stringify({ msg: 'token endpoint 200', token_endpoint: 'https://as.example/token', expires_in: 3600, token_type: 'Bearer', scope: 'openid profile' }),
  'GET /api/orders?page=2&limit=50 200 12ms request_id=3fa85f64-5717-4562-b3fc-2c963f66afa6',
  `POST https://as.example/token grant_type=refresh_token&refresh_token=${S}&client_id=app -> 400 invalid_grant`,
  'user 42 logged in from 10.0.0.7 (Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36)',
  `upstream call failed: Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.${S}`,
  'cache miss for key user:42:profile, fetching from db (5 ms)',
  JSON.stringify({ level: 'error', err: { name: 'AxiosError', code: 'ERR_BAD_REQUEST', config: { url: 'https://api.example/v1/me', headers: { Accept: 'application/json' } } } }),
  'connected to postgres://app@db.internal:5432/app (pool 10)',
];
const scope = { name: 'app', version: '1.0.0' };
const resource = resourceFromAttributes({ 'service.name': 'bench-app', 'service.version': '1.2.3', 'deployment.environment': 'prod' });
const now = [Math.floor(Date.now() / 1000), 0];
const records = Array.from({ length: PER_REQUEST }, (_, i) => ({
  hrTime: now, hrTimeObserved: now, severityNumber: 9, severityText: 'INFO',
  body: bodies[i % bodies.length],
  attributes: { 'http.request.method': 'GET', 'url.path': '/api/orders', 'http.response.status_code': 200, 'user.id': String(i), trace_flags: '01' },
  droppedAttributesCount: 0, resource, instrumentationScope: scope,
}));
const payload = Buffer.from(ProtobufLogsSerializer.serializeRequest(records));

// ---- collectors ----------------------------------------------------------------------------
const sink = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }); res.end(); }); });
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/v1/logs`;
let port = 20000 + Math.floor(Math.random() * 20000);
const dir = mkdtempSync(join(tmpdir(), 'collector-scrub-bench-'));

async function start(name, yaml) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const [http, grpc, health, metrics] = [port, port + 1, port + 2, port + 3];
  port += 4;
  const proc = spawn(backends.collector, [`--config=${file}`], {
    env: { ...process.env, OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`, OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`, OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${health}`, OTELCOL_METRICS_HOST: '127.0.0.1', OTELCOL_METRICS_PORT: String(metrics), LOKI_OTLP_ENDPOINT: sinkUrl, OTELCOL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${health}/`)).status === 200) break; } catch { /* starting */ }
    if (i > 150 || proc.exitCode !== null) throw new Error(`${name} did not start: ${err.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, proc, url: `http://127.0.0.1:${http}/v1/logs` };
}
/** The process's CPU time (user + system) in ms, from /proc. */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
}
async function send(c, n) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: payload });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${c.name}: ${r.status}`);
  }
  await new Promise((r) => setTimeout(r, 1200)); // the batch processor's 1 s timeout flushes
}

const compareArg = process.argv.find((a) => a.startsWith('--compare='));
const specs = [['scrub-A', shipped], ['scrub-A2', shipped], ['no-scrub', noScrub]];
if (compareArg) specs.push(['compare', readFileSync(compareArg.slice(10), 'utf8')]);
const cs = await Promise.all(specs.map(([name, yaml]) => start(name, yaml)));
try {
  await Promise.all(cs.map((c) => send(c, 2))); // warm-up
  const per = Object.fromEntries(cs.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cs.length; k++) {
      const c = cs[(r + k) % cs.length];
      const t0 = cpuMs(c.proc.pid);
      await send(c, REQUESTS);
      per[c.name].push(((cpuMs(c.proc.pid) - t0) * 1000) / (REQUESTS * PER_REQUEST)); // µs per record
    }
  }
  const m = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, median(v)]));
  const bytes = records.reduce((a, x) => a + x.body.length, 0) / records.length;
  console.log(`### Collector CPU per log record (median of ${ROUNDS} rotating rounds, ${REQUESTS}×${PER_REQUEST} records each, bodies ~${Math.round(bytes)} B)${SMOKE ? ' (smoke)' : ''}\n`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log('| collector | µs CPU / record | records/s per core |');
  console.log('|---|---:|---:|');
  for (const [k, v] of Object.entries(m)) console.log(`| ${k} | ${v.toFixed(1)} | ${Math.round(1e6 / v)} |`);
  console.log(`\nA/A ratio ${(m['scrub-A2'] / m['scrub-A']).toFixed(2)}; scrub / no-scrub ${(((m['scrub-A'] + m['scrub-A2']) / 2) / m['no-scrub']).toFixed(2)}${compareArg ? `; scrub / compare ${(((m['scrub-A'] + m['scrub-A2']) / 2) / m.compare).toFixed(2)}` : ''}`);
} finally {
  for (const c of cs) c.proc.kill('SIGTERM');
  sink.close();
  rmSync(dir, { recursive: true, force: true });
}
