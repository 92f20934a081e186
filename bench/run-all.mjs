#!/usr/bin/env node
// Runs every benchmark, one fresh process each, in a fixed order (micro-benchmarks first, then
// the end-to-end ones), and prints what each printed plus a summary.
//   npm run build && node bench/run-all.mjs [--smoke] [--only metrics-op,e2e-token-endpoint]
// --smoke is passed to every benchmark: tiny iteration counts and short runs (the whole thing
// takes well under 2 minutes), nothing written to bench/results or docs/images. CI runs it through
// stack/test/resilience/bench-smoke.test.ts. A full run takes about 30 minutes (the memory soak
// alone is 10); each script also runs on its own (see BENCHMARKS.md).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1].split(',')) : undefined;

export const BENCHMARKS = ['metrics-op', 'exemplars-op', 'log-emit', 'logger-ratio', 'event-op', 'redaction', 'dense-strings', 'fingerprint', 'query-names', 'as-replay', 'observe', 'observe-server', 'collector-scrub', 'e2e-token-endpoint', 'memory-soak'];

if (!existsSync(join(here, '../packages/oauth-otel/dist/index.js'))) {
  console.error('packages/oauth-otel/dist is missing: run `npm run build` first');
  process.exit(1);
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(`Node ${process.version}: the package needs >= 22.15; run with the repo's Node (npx node bench/run-all.mjs)`);
  process.exit(1);
}

function run(name) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(here, `${name}.mjs`), ...(SMOKE ? ['--smoke'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code, signal) => resolve({ name, code, signal, seconds: (Date.now() - t0) / 1000, table: /^\|[-: |]+\|\s*$/m.test(out) }));
  });
}

console.log(`# oauth-otel benchmarks${SMOKE ? ' (smoke)' : ''}: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
const results = [];
for (const name of BENCHMARKS) {
  if (only && !only.has(name)) continue;
  console.log(`\n## ${name}\n`);
  results.push(await run(name));
}
if (!SMOKE && (!only || only.has('redaction'))) {
  console.log('\n## charts\n');
  results.push({ ...(await run('charts')), table: true });
}
console.log('\n## Summary\n');
console.log('| benchmark | exit | table printed | seconds |');
console.log('|---|---|---|---:|');
for (const r of results) console.log(`| ${r.name} | ${r.code ?? r.signal} | ${r.table ? 'yes' : 'no'} | ${r.seconds.toFixed(1)} |`);
console.log(`\nload at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
process.exit(results.every((r) => r.code === 0 && r.table) ? 0 : 1);
