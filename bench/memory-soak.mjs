#!/usr/bin/env node
// Memory soak: the instrumented example AS (bench/lib/auth-server.mjs, i.e. src/main.mjs's
// initTelemetry() + instrumentOidcProvider()) at LOG_LEVEL=debug — one OTLP log record per token
// response — under closed-loop client_credentials load for N minutes, with the Collector ABSENT:
// the OTLP endpoint points at a closed 127.0.0.1 port, so every export fails, the queue fills to
// maxQueueSize (2048, the default) and everything beyond it is dropped and counted.
// Samples resident memory (/proc) and live heap (heapUsed after a full GC, over IPC) every few
// seconds. The bound it expects comes from a calibration run first (bench/lib/queue-calibrate.mjs:
// the live heap a full queue plus one in-flight batch costs, same record, same pipeline).
//
//   npm run build && node bench/memory-soak.mjs [--minutes 10] [--interval 5] [--connections 10]
//       [--control-minutes 3] [--smoke]
// --control-minutes: then the same load on the plain AS (no oauth-otel) for that long, as the
// reference for the server's own memory under load (0 = skip; the smoke skips it).
//
// Writes bench/results/memory-soak.json and docs/images/bench/memory-soak.svg (not with --smoke).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, freePort, load1, machineInfo, median, procStats, sleep, startServer } from './lib/e2e.mjs';
import { CC_CLIENT } from './lib/clients.mjs';
import { basic } from './lib/oauth-flow.mjs';
import { lineChart } from './lib/svg.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const MINUTES = Number(arg('minutes', SMOKE ? 1 / 3 : 10));
const INTERVAL = Number(arg('interval', SMOKE ? 2 : 5));
const CONTROL_MINUTES = Number(arg('control-minutes', SMOKE ? 0 : 3));
const CONNECTIONS = Number(arg('connections', 10));
const MAX_QUEUE = 2048; // the package default (logs.otlp.maxQueueSize)
const BATCH = 512; // default maxExportBatchSize
const MB = 2 ** 20;
const mb = (b) => b / MB;
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');

console.log(`# Memory soak: instrumented AS under load, OTLP endpoint absent${SMOKE ? ' (smoke)' : ''}\n`);
const machine = machineInfo();
console.log(`${machine.cpu} × ${machine.cores}, Node ${machine.node}, load at start ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${f2(MINUTES)} min of client_credentials load, ${CONNECTIONS} connections, sample every ${INTERVAL} s; LOG_LEVEL=debug (1 record per token); maxQueueSize ${MAX_QUEUE}, maxExportBatchSize ${BATCH}\n`);

// 1. The expected bound: live heap of a full queue + one batch in flight.
const calib = JSON.parse(execFileSync(process.execPath, ['--expose-gc', join(ROOT, 'bench/lib/queue-calibrate.mjs'), String(MAX_QUEUE), String(BATCH)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim().split('\n').at(-1));
console.log(`calibration: ${f1(calib.bytesPerQueuedRecord)} B per queued record; full queue + 1 in-flight batch = ${f2(mb(calib.queueFullBytes))} MB of live heap (incl. the exporter code loaded on first export); 10× more records after that: ${f2(mb(calib.overflowBytes))} MB`);

// 2. The soak, and the control: the same load on the plain AS (no oauth-otel), for the part of the
// memory that is the server's own under load (V8 young generation, buffers, JIT).
/** Runs `minutes` of closed-loop client_credentials load on `server`, sampling every INTERVAL s. */
async function soak(server, minutes, label) {
  const samples = [];
  const counts = { ok: 0, non2xx: 0 };
  const t0 = Date.now();
  const sample = async (phase) => {
    const st = await server.stats(15_000, { gc: true });
    const p = procStats(server.pid);
    const s = {
      t: (Date.now() - t0) / 1000,
      phase,
      rss: p?.rss ?? st?.mem.rss,
      heapUsed: st?.mem.heapUsed,
      heapTotal: st?.mem.heapTotal,
      external: st?.mem.external,
      requests: counts.ok,
      queueFull: st?.drops['logs:queue_full'] ?? 0,
      exportFailed: st?.drops['logs:export_failed'] ?? 0,
      load1: load1(),
    };
    samples.push(s);
    return s;
  };
  await sample('idle');
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: minutes * 60,
    timeout: 30,
    requests: [{ method: 'POST', path: '/token', headers: { authorization: basic(CC_CLIENT.client_id, CC_CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }],
  });
  instance.on('response', (_c, status) => (status >= 200 && status < 300 ? counts.ok++ : counts.non2xx++));
  let done = false;
  const finished = instance.then((r) => ((done = true), r));
  let next = Date.now() + INTERVAL * 1000;
  let lastPrint = 0;
  while (!done) {
    await Promise.race([finished, sleep(Math.max(0, next - Date.now()))]);
    if (done) break;
    next += INTERVAL * 1000;
    const s = await sample('load');
    if (s.t - lastPrint >= (SMOKE ? 4 : 60)) {
      lastPrint = s.t;
      console.log(`  ${label} t=${s.t.toFixed(0).padStart(4)} s  rss ${f1(mb(s.rss))} MB  heap (after GC) ${f1(mb(s.heapUsed))} MB  requests ${s.requests}  dropped queue_full ${s.queueFull} export_failed ${s.exportFailed}  load ${f2(s.load1)}`);
    }
  }
  const r = await finished;
  await sample('after');
  return { samples, ok: counts.ok, non2xx: counts.non2xx, errors: r.errors };
}

const closedPort = await freePort(); // nothing listens there: connection refused
const server = await startServer('instrumented', { LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`, OTEL_SERVICE_NAME: 'auth-server-soak' }, { execArgv: ['--expose-gc'] });
let failed = false;
let metricsText = '';
let stopped;
let main;
try {
  main = await soak(server, MINUTES, 'instrumented');
  metricsText = await (await fetch(server.metricsUrl)).text();
  if (main.errors || main.non2xx) failed = true;
} finally {
  stopped = await server.stop(15_000);
}
const { samples, ok, non2xx } = main;
let control;
if (CONTROL_MINUTES > 0) {
  const plain = await startServer('plain', {}, { execArgv: ['--expose-gc'] });
  try {
    control = await soak(plain, CONTROL_MINUTES, 'plain (control)');
    if (control.errors || control.non2xx) failed = true;
  } finally {
    await plain.stop(15_000);
  }
}

// 3. Analysis. The plateau starts once the queue has overflowed and the first minute (JIT,
// oidc-provider's own warm-up) is over: from then on, no growth is expected.
const load = samples.filter((s) => s.phase === 'load');
const full = load.find((s) => s.queueFull > 0);
const plateauStart = Math.max(full?.t ?? Infinity, Math.min(60, (MINUTES * 60) / 4));
const plateau = load.filter((s) => s.t >= plateauStart);
const q = Math.max(1, Math.floor(plateau.length / 4));
const firstQ = plateau.slice(0, q);
const lastQ = plateau.slice(-q);
const slope = (key) => {
  // least squares, bytes per minute
  const n = plateau.length;
  if (n < 2) return NaN;
  const mx = plateau.reduce((a, s) => a + s.t, 0) / n;
  const my = plateau.reduce((a, s) => a + s[key], 0) / n;
  const num = plateau.reduce((a, s) => a + (s.t - mx) * (s[key] - my), 0);
  const den = plateau.reduce((a, s) => a + (s.t - mx) ** 2, 0);
  return (num / den) * 60;
};
const idle = samples[0];
const tokens = Number(/^oauth_server_tokens_issued_total\{grant_type="client_credentials"\} (\d+)/m.exec(metricsText)?.[1] ?? NaN);
const finalDrops = stopped?.drops ?? {};
const accounted = (finalDrops['logs:queue_full'] ?? 0) + (finalDrops['logs:export_failed'] ?? 0) + (finalDrops['logs:shutdown'] ?? 0);
const summary = {
  minutes: MINUTES,
  requests: ok,
  non2xx,
  rps: ok / (MINUTES * 60),
  expectedQueueBoundBytes: calib.queueFullBytes,
  bytesPerQueuedRecord: calib.bytesPerQueuedRecord,
  queueFullAtSeconds: full?.t ?? null,
  plateauFromSeconds: plateauStart,
  heapIdle: idle.heapUsed,
  heapPlateauFirstQuarter: median(firstQ.map((s) => s.heapUsed)),
  heapPlateauLastQuarter: median(lastQ.map((s) => s.heapUsed)),
  heapMaxUnderLoad: Math.max(...load.map((s) => s.heapUsed)),
  heapSlopeBytesPerMin: slope('heapUsed'),
  rssIdle: idle.rss,
  rssPlateauFirstQuarter: median(firstQ.map((s) => s.rss)),
  rssPlateauLastQuarter: median(lastQ.map((s) => s.rss)),
  rssMaxUnderLoad: Math.max(...load.map((s) => s.rss)),
  rssSlopeBytesPerMin: slope('rss'),
  tokensIssued: tokens,
  dropsAtExit: finalDrops,
  recordsAccountedAsDropped: accounted,
};
if (control) {
  // the control's own "plateau": the same time window after its first minute
  const cl = control.samples.filter((x) => x.phase === 'load' && x.t >= Math.min(60, (CONTROL_MINUTES * 60) / 4));
  summary.control = {
    minutes: CONTROL_MINUTES,
    requests: control.ok,
    rps: control.ok / (CONTROL_MINUTES * 60),
    rssIdle: control.samples[0].rss,
    rssUnderLoadMedian: median(cl.map((x) => x.rss)),
    rssMaxUnderLoad: Math.max(...cl.map((x) => x.rss)),
    heapIdle: control.samples[0].heapUsed,
    heapUnderLoadMedian: median(cl.map((x) => x.heapUsed)),
  };
}
summary.heapGrowthOnPlateau = summary.heapPlateauLastQuarter - summary.heapPlateauFirstQuarter;
summary.rssGrowthOnPlateau = summary.rssPlateauLastQuarter - summary.rssPlateauFirstQuarter;
// Criteria (set before the run): the live heap does not grow once the queue is full (plateau growth
// below 1 MB, i.e. < 1/3 of one full queue, where a leak of one record per request would add
// hundreds of MB), and every record the AS produced is accounted for as dropped (nothing delivered:
// there is no endpoint).
summary.pass = {
  heapFlat: summary.heapGrowthOnPlateau <= 1 * MB,
  queueReachedCap: full !== undefined,
  allRecordsCounted: Number.isFinite(tokens) && accounted >= tokens && accounted <= tokens + 50,
};
if (!Object.values(summary.pass).every(Boolean) || non2xx) failed = true;

console.log('\n### Memory soak, OTLP endpoint absent\n');
console.log('| measure | value |');
console.log('|---|---|');
console.log(`| load | ${summary.requests} token requests in ${f2(MINUTES)} min (${summary.rps.toFixed(0)} req/s), non-2xx ${non2xx} |`);
console.log(`| expected bound (calibrated): full queue + 1 in-flight batch | ${f2(mb(calib.queueFullBytes))} MB live heap (${f1(calib.bytesPerQueuedRecord)} B/record × ${MAX_QUEUE} + batch + exporter code) |`);
console.log(`| queue at cap (first queue_full drop) | t = ${full ? full.t.toFixed(0) + ' s' : 'never'} |`);
console.log(`| live heap after GC: idle → plateau start → end | ${f1(mb(idle.heapUsed))} → ${f1(mb(summary.heapPlateauFirstQuarter))} → ${f1(mb(summary.heapPlateauLastQuarter))} MB (max ${f1(mb(summary.heapMaxUnderLoad))}) |`);
console.log(`| live heap growth on the plateau (from t = ${plateauStart.toFixed(0)} s) | ${f2(mb(summary.heapGrowthOnPlateau))} MB, slope ${f2(mb(summary.heapSlopeBytesPerMin))} MB/min (≤ 1 MB: ${summary.pass.heapFlat ? 'pass' : 'short'}) |`);
console.log(`| RSS: idle → plateau start → end | ${f1(mb(idle.rss))} → ${f1(mb(summary.rssPlateauFirstQuarter))} → ${f1(mb(summary.rssPlateauLastQuarter))} MB (max ${f1(mb(summary.rssMaxUnderLoad))}), slope ${f2(mb(summary.rssSlopeBytesPerMin))} MB/min |`);
if (summary.control) {
  const c = summary.control;
  console.log(`| control: plain AS (no oauth-otel), same load, ${f2(CONTROL_MINUTES)} min | ${c.requests} requests (${c.rps.toFixed(0)} req/s); RSS idle ${f1(mb(c.rssIdle))} → under load ${f1(mb(c.rssUnderLoadMedian))} MB (max ${f1(mb(c.rssMaxUnderLoad))}); live heap ${f1(mb(c.heapIdle))} → ${f1(mb(c.heapUnderLoadMedian))} MB |`);
}
console.log(`| records produced (tokens issued) vs counted as dropped | ${tokens} vs ${accounted} (${JSON.stringify(finalDrops)}) ${summary.pass.allRecordsCounted ? 'pass' : 'short'} |`);
console.log(`\nLoad (1 min) at end: ${load1().toFixed(2)}`);

if (!SMOKE) {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/memory-soak.json'), JSON.stringify({ title: 'Memory soak with the OTLP endpoint absent', machine: { ...machine, loadavgEnd: (await import('node:os')).default.loadavg() }, config: { minutes: MINUTES, controlMinutes: CONTROL_MINUTES, interval: INTERVAL, connections: CONNECTIONS, maxQueueSize: MAX_QUEUE, maxExportBatchSize: BATCH, logLevel: 'debug' }, calibration: calib, summary, samples, controlSamples: control?.samples ?? [] }, null, 2) + '\n');
  mkdirSync(join(ROOT, 'docs/images/bench'), { recursive: true });
  writeFileSync(
    join(ROOT, 'docs/images/bench/memory-soak.svg'),
    lineChart({
      title: `Instrumented AS under load for ${MINUTES} min with the OTLP endpoint absent: memory stays bounded`,
      subtitle: `${summary.requests} token requests (${summary.rps.toFixed(0)} req/s), 1 log record each; queue at its cap (${MAX_QUEUE}) from t = ${full ? full.t.toFixed(0) : '?'} s; ${machine.cores} × ${machine.cpu}, Node ${machine.node}`,
      xLabel: 'time (s)',
      yLabel: 'MB',
      series: [
        { name: 'RSS', points: samples.map((s) => [s.t, mb(s.rss)]) },
        { name: 'live heap (heapUsed after full GC)', points: samples.map((s) => [s.t, mb(s.heapUsed)]) },
        ...(control
          ? [
              { name: 'plain AS (control): RSS', points: control.samples.map((s) => [s.t, mb(s.rss)]), color: '#1f77b4', dash: '5 4' },
              { name: 'plain AS: live heap', points: control.samples.map((s) => [s.t, mb(s.heapUsed)]), color: '#d62728', dash: '5 4' },
            ]
          : []),
      ],
      hlines: [{ y: mb(summary.heapPlateauFirstQuarter + calib.queueFullBytes), label: `plateau start + one more full queue (${f2(mb(calib.queueFullBytes))} MB)` }],
    }),
  );
  console.log('wrote bench/results/memory-soak.json and docs/images/bench/memory-soak.svg');
}
if (failed) {
  console.error('memory-soak: a criterion is short or the load saw errors (see above)');
  process.exit(1);
}
