#!/usr/bin/env node
// Issue 10's logger target: createLogger() (stdout JSON, redaction, `otel: false`) against plain
// winston (`format.json()`, no redaction) on the same ~230-byte record, in CPU time (not wall time:
// on a shared machine wall time also counts other processes' turns), rotating rounds in one
// process, with an A/A pair (two identical plain winston loggers) printed beside it as the noise floor.
// Every contender yields every 10 calls, as bench/log-emit.mjs does, so winston's stream work
// (which runs in later ticks) is inside the measured CPU time.
//   npm run build && node bench/logger-ratio.mjs [--smoke] [--rounds 15] [--ops 20000] [--base DIR]
// --base DIR: also time createLogger() from another build of the package (DIR/dist, e.g. main's,
// compiled elsewhere) in the same process: a before/after pair on the same machine state.
import os from 'node:os';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';
import { cpuNs, median } from './lib/cpu-timing.mjs';
import { nullStream, SMOKE } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { logs } = require('@opentelemetry/api');
const { LoggerProvider } = require('@opentelemetry/sdk-logs');
const winston = require('winston');

const argv = process.argv.slice(2);
const arg = (n, d) => (argv.includes(`--${n}`) ? Number(argv[argv.indexOf(`--${n}`) + 1]) : d);
const ROUNDS = SMOKE ? 2 : arg('rounds', 15);
const OPS = SMOKE ? 200 : arg('ops', 20_000);
const WARMUP = SMOKE ? 100 : 20_000;

// The package's OTel path with a no-op exporter: redacting processor first, then the bounded batch.
const noop = { export: (_r, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: o.createOAuthLogRecordProcessors({ exporter: noop, batch: { maxQueueSize: 1_000_000, maxExportBatchSize: 512 } }) }));

const plain = () => winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: nullStream() })] });
const winstonA = plain();
const winstonB = plain();
const pkgStdout = o.createLogger({ destination: nullStream(), otel: false, level: 'info' });
const pkgBoth = o.createLogger({ destination: nullStream(), level: 'info' });

const record = () => ({ event: 'token_refresh_success', provider: 'github.com', status: 'success', reason: 'normal', duration_ms: 183, userId: 'u_7f3a9c', serverUuid: '3f1c2b9e-8d7a-4e6f-9a1b-2c3d4e5f6a7b', scope: 'mcp:read mcp:write' });

const baseAt = argv.indexOf('--base');
const base = baseAt >= 0 ? require(`${argv[baseAt + 1]}/dist/index.js`) : undefined;

const contenders = [
  { name: 'winston A (format.json, no redaction)', log: winstonA },
  { name: 'winston B (same as A: the A/A pair)', log: winstonB },
  { name: 'createLogger (stdout JSON, redaction, otel: false)', log: pkgStdout },
  { name: 'createLogger (stdout + OTel, no-op exporter)', log: pkgBoth },
  ...(base
    ? [
        { name: 'base build: createLogger (stdout JSON, otel: false)', log: base.createLogger({ destination: nullStream(), otel: false, level: 'info' }) },
        { name: 'base build: createLogger (stdout + OTel)', log: base.createLogger({ destination: nullStream(), level: 'info' }) },
      ]
    : []),
];

// A full GC before each block (outside the timing), so no contender pays for the previous one's garbage.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

async function block(log, n) {
  gc();
  const t0 = cpuNs();
  for (let i = 0; i < n; i++) {
    log.info('OAuth token refreshed', record());
    if (i % 10 === 9) await new Promise(setImmediate);
  }
  // let the streams hand on what is still queued, inside the measured time
  for (let i = 0; i < 3; i++) await new Promise(setImmediate);
  return (cpuNs() - t0) / n;
}

for (const c of contenders) await block(c.log, WARMUP);
const samples = new Map(contenders.map((c) => [c.name, []]));
// A fresh random order every round (seeded): with a fixed rotation each contender always follows
// the same one and inherits its leftovers (the OTel batch's pending export, cache state).
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
for (let r = 0; r < ROUNDS; r++) {
  const order = [...contenders];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const c of order) samples.get(c.name).push(await block(c.log, OPS));
}

const baseNs = median(samples.get(contenders[0].name));
const perRound = (name) => samples.get(name).map((x, i) => x / samples.get(contenders[0].name)[i]);
console.log(`\n### createLogger() vs plain winston, CPU ns per call (${ROUNDS} rounds × ${OPS} calls${SMOKE ? ', smoke' : ''})\n`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, Node ${process.version}\n`);
console.log('| Contender | median CPU ns | ratio to winston A (medians) | median of per-round ratios | per-round min–max |');
console.log('|---|---:|---:|---:|---|');
for (const c of contenders) {
  const m = median(samples.get(c.name));
  const pr = perRound(c.name);
  console.log(`| ${c.name} | ${m.toFixed(0)} | ${(m / baseNs).toFixed(3)} | ${median(pr).toFixed(3)} | ${Math.min(...pr).toFixed(2)}–${Math.max(...pr).toFixed(2)} |`);
}
