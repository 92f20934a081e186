// Side-by-side micro-benchmark harness: every contender runs in every round, in rotating order,
// in one process; medians of per-round ns/op are reported with ratios. Only ratios within one run
// are meaningful on these noisy VMs (performance-anchors.md: about ±30 % between runs).
import os from 'node:os';
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const SMOKE = process.argv.includes('--smoke');
const here = dirname(fileURLToPath(import.meta.url));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @param contenders {name, fn: (i) => void}[]; fn is one operation
 * @param opts rounds, ops per round, yieldEvery (0 = never; loggers yield like pino's benchmark),
 *   clock: 'wall' (hrtime) or 'cpu' (process.cpuUsage: this process's CPU time, so the other
 *   processes' turns on a loaded machine do not count; µs resolution, so rounds of ≥ 10 ms)
 */
export async function compare(contenders, { rounds = 9, ops = 20_000, warmup = 5_000, yieldEvery = 0, clock = 'wall' } = {}) {
  if (SMOKE) {
    rounds = 2;
    ops = 200;
    warmup = 50;
  }
  const now = clock === 'cpu' ? () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; } : () => Number(process.hrtime.bigint());
  const run = async (fn, n) => {
    const start = now();
    for (let i = 0; i < n; i++) {
      fn(i);
      if (yieldEvery && i % yieldEvery === yieldEvery - 1) await new Promise(setImmediate);
    }
    return (now() - start) / n;
  };
  for (const c of contenders) await run(c.fn, warmup);
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      samples.get(c.name).push(await run(c.fn, ops));
    }
  }
  return contenders.map((c) => {
    const s = samples.get(c.name);
    return { name: c.name, medianNs: median(s), minNs: Math.min(...s), maxNs: Math.max(...s), rounds: s.length };
  });
}

export function machine() {
  const v = (p) => {
    try {
      return require(`${p}/package.json`).version;
    } catch {
      return undefined;
    }
  };
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    packages: Object.fromEntries(
      ['@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/sdk-logs', '@opentelemetry/exporter-prometheus', 'prom-client', 'pino', 'winston', '@opentelemetry/winston-transport']
        .map((p) => [p, v(p)])
        .filter(([, x]) => x),
    ),
    loadavg: os.loadavg(),
    date: new Date().toISOString(),
  };
}

/** Prints a markdown table with ratios against `base` and writes bench/results/<name>.json. */
export function report(name, title, results, base, extra = {}) {
  const b = results.find((r) => r.name === base);
  console.log(`\n### ${title}\n`);
  console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log('| Contender | median ns/op | min | max | ratio to ' + base + ' |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${r.medianNs.toFixed(0)} | ${r.minNs.toFixed(0)} | ${r.maxNs.toFixed(0)} | ${(r.medianNs / b.medianNs).toFixed(2)} |`);
  if (SMOKE) return;
  mkdirSync(join(here, '../results'), { recursive: true });
  writeFileSync(join(here, `../results/${name}.json`), JSON.stringify({ title, machine: machine(), base, results, ...extra }, null, 2) + '\n');
}

export function nullStream() {
  const { Writable } = require('node:stream');
  return new Writable({ write(_c, _e, cb) { cb(); } });
}
