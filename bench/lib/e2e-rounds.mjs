// The ROUNDS method of bench/e2e-token-endpoint.mjs (`--method rounds`), the one used until
// 2026-12-03: one server at a time, in rotating rounds. Kept for comparison; on a shared VM the
// same plain server's CPU per request swings by ±25 % between rounds, so it cannot resolve 1 %
// (the default, interleaved method can: bench/lib/interleaved.mjs).
// End-to-end cost of oauth-otel on a real authorization server: the example oidc-provider AS
// (examples/auth-server) under OPEN-LOOP load at a fixed rate below saturation on its token
// endpoint. Three child processes (bench/lib/auth-server.mjs) run side by side:
//   plain, plain2   the same createAuthServer() without any telemetry (two processes: A and A′)
//   instrumented    initTelemetry() + instrumentOidcProvider() exactly as src/main.mjs starts it
// Every round runs the three once, in a 4-round cycle of orders ([P, I, P2], [P2, I, P],
// [P, P2, I], [I, P2, P]): instrumented-vs-plain and plain2-vs-plain alternate their order from
// round to round (ABBA), and every server takes every position. Per round this gives one
// instrumented/plain pair and one plain2/plain pair: the A/A pair, whose spread is the noise floor
// of the same run. A difference is claimed only where it lies outside the A/A pairs' range.
//
//   npm run build && node bench/e2e-token-endpoint.mjs --method rounds [--smoke] [--pairs 8]
//       [--seconds 8] [--rate 400] [--warmup 3] [--grants client_credentials,refresh_token]
//       [--profiles info] [--cpu-prof DIR]
// --cpu-prof DIR: the servers run with node --cpu-prof (profiles written to DIR at exit; see
// bench/lib/profile-summary.mjs); profiling slows them, so the ratios of such a run mean little.
//
// Below saturation every server serves the offered rate, so the figures are the server's CPU per
// request (process.cpuUsage() over IPC), its ratio (instrumented / plain; its inverse is the
// throughput ratio at saturation, target >= 0.99) and p99 latency measured from each request's
// scheduled send time (target <= 1.02).
// Writes bench/results/e2e-token-endpoint-rounds.json and docs/images/bench/e2e-token-endpoint-rounds.svg
// (not with --smoke).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { ROOT, argReader, f0, f1, f2, f3, load1, machineInfo, median, openLoad, sleep, startOtlpSink, startServer, stopAll, topUpPool } from './e2e.mjs';
import { barPanels } from './svg.mjs';

const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const arg = argReader(argv);
const PAIRS = Number(arg('pairs', SMOKE ? 1 : 8));
const SECONDS = Number(arg('seconds', SMOKE ? 1 : 8));
const RATE = Number(arg('rate', SMOKE ? 100 : 400));
const WARMUP = Number(arg('warmup', SMOKE ? 1 : 3));
const GRANTS = arg('grants', 'client_credentials,refresh_token').split(',');
const PROFILES = arg('profiles', 'info').split(',');
const CPU_PROF = arg('cpu-prof', undefined);
const execArgv = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
const TARGET = { capacityRatio: 0.99, p99Ratio: 1.02 };
const ORDERS = [
  ['plain', 'instrumented', 'plain2'],
  ['plain2', 'instrumented', 'plain'],
  ['plain', 'plain2', 'instrumented'],
  ['instrumented', 'plain2', 'plain'],
];
const POOL = 200;

const range = (xs) => [Math.min(...xs), Math.max(...xs)];

console.log(`# End-to-end token endpoint: example AS with vs without oauth-otel, open loop, rounds method${SMOKE ? ' (smoke)' : ''}\n`);
const machine = machineInfo();
console.log(`${machine.cpu} × ${machine.cores}, Node ${machine.node}, load at start ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${PAIRS} rounds × 3 servers × ${SECONDS} s at ${RATE} req/s (open loop), warm-up ${WARMUP} s each; profiles ${PROFILES.join(', ')}; grants ${GRANTS.join(', ')}\n`);

const sink = await startOtlpSink();
const results = [];
let failed = false;
try {
  for (const profile of PROFILES) {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'auth-server-bench' };
    const servers = {
      plain: await startServer('plain', env, { execArgv }),
      plain2: await startServer('plain', env, { execArgv }),
      instrumented: await startServer('instrumented', { ...env, LOG_LEVEL: profile }, { execArgv }),
    };
    servers.plain2.mode = 'plain2';
    const sinkBefore = sink.requests;
    try {
      for (const grant of GRANTS) {
        const pools = { plain: [], plain2: [], instrumented: [] };
        const refill = (k) => (grant === 'refresh_token' ? topUpPool(servers[k], pools[k], POOL) : undefined);
        const served = { plain: 0, plain2: 0, instrumented: 0 };
        // answers still in flight when a run's wait ended: counted by the server, not by the load
        let lateInstrumented = 0;
        for (const k of Object.keys(servers)) {
          await refill(k);
          const w = await openLoad(servers[k], { grant, rate: RATE, seconds: WARMUP, pool: pools[k] });
          served[k] += w.ok;
          if (k === 'instrumented') lateInstrumented += w.inFlightAtEnd;
        }
        const rounds = [];
        for (let p = 0; p < PAIRS; p++) {
          const order = ORDERS[p % ORDERS.length];
          const round = { round: p + 1, order };
          for (const k of order) {
            await refill(k);
            await sleep(300);
            const r = await openLoad(servers[k], { grant, rate: RATE, seconds: SECONDS, pool: pools[k] });
            served[k] += r.ok;
            if (k === 'instrumented') lateInstrumented += r.inFlightAtEnd;
            round[k] = r;
            console.log(`  ${profile} ${grant} round ${p + 1} ${k.padEnd(12)} ${f0(r.rps)} req/s  cpu ${f0(r.cpuUsPerRequest)} µs/req  p50 ${f2(r.latencyMs.p50)} p99 ${f2(r.latencyMs.p99)} ms  non2xx ${r.non2xx} errors ${r.errors} starved ${r.starved}  load ${f2(r.load1)}`);
            if (r.non2xx || r.errors || r.starved || r.lost) failed = true;
          }
          rounds.push(round);
        }
        const text = await (await fetch(servers.instrumented.metricsUrl)).text();
        const m = new RegExp(`^oauth_server_tokens_issued_total\\{grant_type="${grant}"\\} (\\d+)`, 'm').exec(text);
        const counted = m ? Number(m[1]) : 0;
        const cpuRatios = rounds.map((r) => r.instrumented.cpuUsPerRequest / r.plain.cpuUsPerRequest);
        const cpuAA = rounds.map((r) => r.plain2.cpuUsPerRequest / r.plain.cpuUsPerRequest);
        const p99Ratios = rounds.map((r) => r.instrumented.latencyMs.p99 / r.plain.latencyMs.p99);
        const p99AA = rounds.map((r) => r.plain2.latencyMs.p99 / r.plain.latencyMs.p99);
        const cpu = (k) => median(rounds.map((r) => r[k].cpuUsPerRequest));
        const s = {
          profile,
          grant,
          rate: RATE,
          cpuUsPerRequest: { plain: cpu('plain'), plain2: cpu('plain2'), instrumented: cpu('instrumented') },
          cpuRatio: median(cpuRatios),
          cpuRatios,
          cpuRatioAA: median(cpuAA),
          cpuRatiosAA: cpuAA,
          cpuDeltaUs: median(rounds.map((r) => r.instrumented.cpuUsPerRequest - r.plain.cpuUsPerRequest)),
          cpuDeltaAAUs: median(rounds.map((r) => r.plain2.cpuUsPerRequest - r.plain.cpuUsPerRequest)),
          p99Ms: { plain: median(rounds.map((r) => r.plain.latencyMs.p99)), plain2: median(rounds.map((r) => r.plain2.latencyMs.p99)), instrumented: median(rounds.map((r) => r.instrumented.latencyMs.p99)) },
          p99Ratio: median(p99Ratios),
          p99Ratios,
          p99RatioAA: median(p99AA),
          p99RatiosAA: p99AA,
          metricsCounted: counted,
          instrumentedServed: served.instrumented,
          instrumentedLate: lateInstrumented,
          load1: rounds.flatMap((r) => ORDERS[0].map((k) => r[k].load1)),
        };
        s.capacityRatio = 1 / s.cpuRatio;
        const [aaLo, aaHi] = range(cpuAA);
        const [pLo, pHi] = range(p99AA);
        // A claim counts only outside the A/A range of the same run.
        s.cpuResolved = s.cpuRatio < aaLo || s.cpuRatio > aaHi;
        s.p99Resolved = s.p99Ratio < pLo || s.p99Ratio > pHi;
        s.pass = { capacity: s.capacityRatio >= TARGET.capacityRatio || !s.cpuResolved, p99: s.p99Ratio <= TARGET.p99Ratio || !s.p99Resolved };
        if (counted < served.instrumented || counted > served.instrumented + lateInstrumented) {
          console.log(`  ! instrumented server counted ${counted} ${grant} tokens, load got ${served.instrumented} 2xx`);
          failed = true;
        }
        results.push({ summary: s, rounds });
      }
    } finally {
      const drops = await stopAll(Object.values(servers), 2, () => (failed = true));
      results.filter((r) => r.summary.profile === profile).forEach((r) => {
        r.summary.otlpExportRequests = sink.requests - sinkBefore;
        r.summary.drops = drops;
      });
    }
  }
} finally {
  await sink.close();
}

console.log(`\n### Token endpoint at ${RATE} req/s (open loop): instrumented vs plain, with the plain-vs-plain (A/A) floor of the same run (medians of ${PAIRS} rounds)\n`);
console.log('| profile | grant | CPU µs/req plain | plain2 | instrumented | Δ CPU µs/req (A/A Δ) | CPU ratio instr./plain | A/A ratios (range) | resolved | capacity ratio (≥ 0.99) | p99 ms plain | plain2 | instrumented | p99 ratio (≤ 1.02) | A/A p99 range | tokens counted / served |');
console.log('|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|---|');
for (const { summary: s } of results) {
  const [aLo, aHi] = range(s.cpuRatiosAA);
  const [pLo, pHi] = range(s.p99RatiosAA);
  console.log(`| ${s.profile} | ${s.grant} | ${f0(s.cpuUsPerRequest.plain)} | ${f0(s.cpuUsPerRequest.plain2)} | ${f0(s.cpuUsPerRequest.instrumented)} | ${f1(s.cpuDeltaUs)} (${f1(s.cpuDeltaAAUs)}) | ${f3(s.cpuRatio)} | ${f3(aLo)}–${f3(aHi)} | ${s.cpuResolved ? 'yes' : 'no: within A/A'} | ${f3(s.capacityRatio)} | ${f2(s.p99Ms.plain)} | ${f2(s.p99Ms.plain2)} | ${f2(s.p99Ms.instrumented)} | ${f3(s.p99Ratio)}${s.p99Resolved ? '' : ' (within A/A)'} | ${f3(pLo)}–${f3(pHi)} | ${s.metricsCounted} / ${s.instrumentedServed} |`);
}
console.log(`\nPer-round CPU ratios instrumented/plain: ${results.map((r) => `${r.summary.grant} [${r.summary.cpuRatios.map(f3).join(', ')}]`).join('; ')}`);
console.log(`Per-round CPU ratios plain2/plain (A/A): ${results.map((r) => `${r.summary.grant} [${r.summary.cpuRatiosAA.map(f3).join(', ')}]`).join('; ')}`);
console.log(`Load (1 min) at end: ${load1().toFixed(2)}`);

if (!SMOKE) {
  const out = { title: 'Token endpoint of the example AS, open loop, with vs without oauth-otel, A/A floor', machine: { ...machine, loadavgEnd: os.loadavg() }, config: { pairs: PAIRS, seconds: SECONDS, rate: RATE, warmup: WARMUP, grants: GRANTS, profiles: PROFILES, orders: ORDERS }, target: TARGET, results };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/e2e-token-endpoint-rounds.json'), JSON.stringify(out, null, 2) + '\n');
  const panels = [];
  for (const { summary: s, rounds } of results) {
    const groups = rounds.map((r) => `round ${r.round}`);
    const series = (f) => [{ name: 'plain AS', values: rounds.map((r) => f(r.plain)) }, { name: 'plain AS (A/A)', values: rounds.map((r) => f(r.plain2)) }, { name: 'AS + oauth-otel', values: rounds.map((r) => f(r.instrumented)) }];
    panels.push({ title: `${s.grant} · ${s.profile}: server CPU per request`, unit: 'µs', groups, note: `ratio ${f3(s.cpuRatio)}`, series: series((x) => Math.round(x.cpuUsPerRequest)) });
    panels.push({ title: `${s.grant} · ${s.profile}: p99 latency`, unit: 'ms', groups, note: `ratio ${f3(s.p99Ratio)}`, series: series((x) => +x.latencyMs.p99.toFixed(2)) });
  }
  mkdirSync(join(ROOT, 'docs/images/bench'), { recursive: true });
  writeFileSync(
    join(ROOT, 'docs/images/bench/e2e-token-endpoint-rounds.svg'),
    barPanels({
      title: 'Token endpoint of the example oidc-provider AS: plain, plain (A/A) and with oauth-otel, open loop',
      subtitle: `${PAIRS} rounds × ${SECONDS} s at ${RATE} req/s, ${machine.cores} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg[0].toFixed(2)} at start`,
      panels,
    }),
  );
  console.log('\nwrote bench/results/e2e-token-endpoint-rounds.json and docs/images/bench/e2e-token-endpoint-rounds.svg');
}
if (failed) {
  console.error('e2e-token-endpoint: errors, non-2xx answers, starved or lost refresh tokens, uncounted tokens or telemetry drops (see above)');
  process.exit(1);
}
process.exit(0);
