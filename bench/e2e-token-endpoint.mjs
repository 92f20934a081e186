#!/usr/bin/env node
// End-to-end cost of oauth-otel on a real authorization server: the example oidc-provider AS
// (examples/auth-server) under autocannon load on its token endpoint, once with initTelemetry() +
// instrumentOidcProvider() exactly as src/main.mjs starts it, once as the same server without any
// telemetry. Both servers run side by side as child processes (bench/lib/auth-server.mjs); runs
// ALTERNATE between them (ABBA order) in one session, so drift in machine load hits both alike.
//
//   npm run build && node bench/e2e-token-endpoint.mjs [--smoke] [--pairs 5] [--seconds 15]
//       [--warmup 5] [--connections 10] [--grants client_credentials,refresh_token]
//       [--profiles info,debug] [--cpu-prof DIR]
// --cpu-prof DIR: both servers run with node --cpu-prof (V8 CPU profiles written to DIR at exit,
// for Chrome DevTools or speedscope); profiling slows them, so the ratios of such a run mean little.
//
// Profiles (the instrumented server's LOG_LEVEL; OTLP export to a live local sink in both):
//   info   production level: every token request updates the Prometheus counters; log records
//          only for failures and security events (none in this load)
//   debug  the example's default outside production: additionally one `oauth_server_token_issued`
//          record per token response, written as a JSON line to stdout (/dev/null here) and
//          exported over OTLP/HTTP protobuf to the sink
// Reports per profile and grant: throughput ratio (instrumented / plain, target >= 0.99), p99
// latency ratio (target <= 1.02), and server CPU time per request (process.cpuUsage()).
// Writes bench/results/e2e-token-endpoint.json and docs/images/bench/e2e-token-endpoint.svg
// (not with --smoke).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, load1, machineInfo, median, sleep, startOtlpSink, startServer, tokenLoad, topUpPool } from './lib/e2e.mjs';
import { barPanels } from './lib/svg.mjs';

const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const PAIRS = Number(arg('pairs', SMOKE ? 1 : 5));
const SECONDS = Number(arg('seconds', SMOKE ? 2 : 15));
const WARMUP = Number(arg('warmup', SMOKE ? 1 : 5));
const CONNECTIONS = Number(arg('connections', 10));
const GRANTS = arg('grants', 'client_credentials,refresh_token').split(',');
const PROFILES = arg('profiles', SMOKE ? 'debug' : 'info,debug').split(',');
const CPU_PROF = arg('cpu-prof', undefined);
const execArgv = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
const TARGET = { throughputRatio: 0.99, p99Ratio: 1.02 };

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '–');

console.log(`# End-to-end token endpoint: example AS with vs without oauth-otel${SMOKE ? ' (smoke)' : ''}\n`);
const machine = machineInfo();
console.log(`${machine.cpu} × ${machine.cores}, Node ${machine.node}, load at start ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${PAIRS} pairs × ${SECONDS} s per server, ABBA order, ${CONNECTIONS} connections, warm-up ${WARMUP} s each; profiles ${PROFILES.join(', ')}; grants ${GRANTS.join(', ')}\n`);

const sink = await startOtlpSink();
const results = [];
let failed = false;
try {
  for (const profile of PROFILES) {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'auth-server-bench' };
    const plain = await startServer('plain', env, { execArgv });
    const inst = await startServer('instrumented', { ...env, LOG_LEVEL: profile }, { execArgv });
    const servers = { plain, instrumented: inst };
    const sinkBefore = sink.requests;
    try {
      for (const grant of GRANTS) {
        // refresh_token: a pool of live tokens per server (authorization-code flows), refilled
        // before every run, outside the measured window
        const pools = { plain: [], instrumented: [] };
        const refill = (k) => (grant === 'refresh_token' ? topUpPool(servers[k], pools[k], CONNECTIONS * 2) : undefined);
        const served = { plain: 0, instrumented: 0 };
        for (const k of ['plain', 'instrumented']) {
          await refill(k);
          const w = await tokenLoad(servers[k], { grant, seconds: WARMUP, connections: CONNECTIONS, pool: pools[k] });
          served[k] += w.ok;
        }
        const runs = [];
        for (let p = 0; p < PAIRS; p++) {
          const order = p % 2 === 0 ? ['plain', 'instrumented'] : ['instrumented', 'plain'];
          const pair = {};
          for (const k of order) {
            await refill(k);
            await sleep(500);
            const r = await tokenLoad(servers[k], { grant, seconds: SECONDS, connections: CONNECTIONS, pool: pools[k] });
            served[k] += r.ok;
            pair[k] = r;
            console.log(`  ${profile} ${grant} pair ${p + 1} ${k.padEnd(12)} ${f0(r.rps)} req/s  p99 ${f2(r.latencyMs.p99)} ms  cpu ${f0(r.cpuUsPerRequest)} µs/req  non2xx ${r.non2xx} errors ${r.errors}  load ${f2(r.load1)}`);
            if (r.non2xx || r.errors || r.lostRefreshTokens) failed = true;
          }
          runs.push({ pair: p + 1, order, ...pair });
        }
        // The instrumentation really ran: its counter saw every token response we got.
        const text = await (await fetch(inst.metricsUrl)).text();
        const m = new RegExp(`^oauth_server_tokens_issued_total\\{grant_type="${grant}"\\} (\\d+)`, 'm').exec(text);
        const counted = m ? Number(m[1]) : 0;
        const thr = runs.map((r) => r.instrumented.rps / r.plain.rps);
        const p99 = runs.map((r) => r.instrumented.latencyMs.p99 / r.plain.latencyMs.p99);
        const cpuP = median(runs.map((r) => r.plain.cpuUsPerRequest));
        const cpuI = median(runs.map((r) => r.instrumented.cpuUsPerRequest));
        const summary = {
          profile,
          grant,
          plainRps: median(runs.map((r) => r.plain.rps)),
          instrumentedRps: median(runs.map((r) => r.instrumented.rps)),
          throughputRatio: median(thr),
          throughputRatioPooled: runs.reduce((a, r) => a + r.instrumented.ok, 0) / runs.reduce((a, r) => a + r.instrumented.seconds, 0) / (runs.reduce((a, r) => a + r.plain.ok, 0) / runs.reduce((a, r) => a + r.plain.seconds, 0)),
          throughputRatios: thr,
          plainP99Ms: median(runs.map((r) => r.plain.latencyMs.p99)),
          instrumentedP99Ms: median(runs.map((r) => r.instrumented.latencyMs.p99)),
          p99Ratio: median(p99),
          p99Ratios: p99,
          plainCpuUsPerRequest: cpuP,
          instrumentedCpuUsPerRequest: cpuI,
          cpuUsPerRequestDelta: cpuI - cpuP,
          cpuUsPerRequestDeltas: runs.map((r) => r.instrumented.cpuUsPerRequest - r.plain.cpuUsPerRequest),
          metricsCounted: counted,
          instrumentedServed: served.instrumented,
          load1: runs.flatMap((r) => [r.plain.load1, r.instrumented.load1]),
        };
        summary.pass = { throughput: summary.throughputRatio >= TARGET.throughputRatio, p99: summary.p99Ratio <= TARGET.p99Ratio };
        // (the refresh pool's code exchanges are counted under authorization_code, not here).
        // autocannon does not count the responses still in flight when a run ends (≤ 1 per connection).
        if (counted < served.instrumented || counted > served.instrumented + CONNECTIONS * (PAIRS + 1)) {
          console.log(`  ! instrumented server counted ${counted} ${grant} tokens, load got ${served.instrumented} 2xx`);
          failed = true;
        }
        results.push({ summary, runs });
      }
    } finally {
      const [sp, si] = await Promise.all([plain.stop(), inst.stop()]);
      const drops = si?.drops ?? {};
      results.filter((r) => r.summary.profile === profile).forEach((r) => {
        r.summary.otlpExportRequests = sink.requests - sinkBefore;
        r.summary.drops = drops;
      });
      void sp;
      if (Object.values(drops).some((n) => n > 0)) {
        console.log(`  ! instrumented server dropped telemetry: ${JSON.stringify(drops)}`);
        failed = true;
      }
    }
  }
} finally {
  await sink.close();
}

console.log('\n### Token endpoint, instrumented vs plain (medians of the pairs)\n');
console.log('| profile | grant | plain req/s | instrumented req/s | throughput ratio (≥ 0.99) | plain p99 ms | instrumented p99 ms | p99 ratio (≤ 1.02) | CPU µs/req plain | instrumented | Δ CPU µs/req | tokens counted / served | OTLP exports |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
for (const { summary: s } of results) {
  console.log(`| ${s.profile} | ${s.grant} | ${f0(s.plainRps)} | ${f0(s.instrumentedRps)} | ${f3(s.throughputRatio)} ${s.pass.throughput ? 'pass' : 'short'} | ${f2(s.plainP99Ms)} | ${f2(s.instrumentedP99Ms)} | ${f3(s.p99Ratio)} ${s.pass.p99 ? 'pass' : 'short'} | ${f0(s.plainCpuUsPerRequest)} | ${f0(s.instrumentedCpuUsPerRequest)} | ${f1(s.cpuUsPerRequestDelta)} | ${s.metricsCounted} / ${s.instrumentedServed} | ${s.otlpExportRequests} |`);
}
console.log(`\nPer-pair throughput ratios: ${results.map((r) => `${r.summary.profile}/${r.summary.grant} [${r.summary.throughputRatios.map(f3).join(', ')}]`).join('; ')}`);
console.log(`Per-pair p99 ratios: ${results.map((r) => `${r.summary.profile}/${r.summary.grant} [${r.summary.p99Ratios.map(f3).join(', ')}]`).join('; ')}`);
console.log(`Load (1 min) at end: ${load1().toFixed(2)}`);

if (!SMOKE) {
  const out = { title: 'Token endpoint of the example AS, with vs without oauth-otel', machine: { ...machine, loadavgEnd: (await import('node:os')).default.loadavg() }, config: { pairs: PAIRS, seconds: SECONDS, warmup: WARMUP, connections: CONNECTIONS, grants: GRANTS, profiles: PROFILES }, target: TARGET, results };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/e2e-token-endpoint.json'), JSON.stringify(out, null, 2) + '\n');
  const panels = [];
  for (const { summary: s, runs } of results) {
    const groups = runs.map((r) => `pair ${r.pair}`);
    panels.push({ title: `${s.grant} · ${s.profile}: throughput`, unit: 'req/s', groups, note: `ratio ${f3(s.throughputRatio)}`, series: [{ name: 'plain AS', values: runs.map((r) => Math.round(r.plain.rps)) }, { name: 'AS + oauth-otel', values: runs.map((r) => Math.round(r.instrumented.rps)) }] });
    panels.push({ title: `${s.grant} · ${s.profile}: p99 latency`, unit: 'ms', groups, note: `ratio ${f3(s.p99Ratio)}`, series: [{ name: 'plain AS', values: runs.map((r) => +r.plain.latencyMs.p99.toFixed(2)) }, { name: 'AS + oauth-otel', values: runs.map((r) => +r.instrumented.latencyMs.p99.toFixed(2)) }] });
  }
  mkdirSync(join(ROOT, 'docs/images/bench'), { recursive: true });
  writeFileSync(
    join(ROOT, 'docs/images/bench/e2e-token-endpoint.svg'),
    barPanels({
      title: 'Token endpoint of the example oidc-provider AS: plain vs with oauth-otel (alternating runs)',
      subtitle: `${PAIRS} pairs × ${SECONDS} s, ${CONNECTIONS} connections, ${machine.cores} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg[0].toFixed(2)} at start`,
      panels,
    }),
  );
  console.log('\nwrote bench/results/e2e-token-endpoint.json and docs/images/bench/e2e-token-endpoint.svg');
}
if (failed) {
  console.error('e2e-token-endpoint: errors, non-2xx answers, lost refresh tokens, uncounted tokens or telemetry drops (see above)');
  process.exit(1);
}
