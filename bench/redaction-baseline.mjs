#!/usr/bin/env node
/**
 * The redactor against its pre-issue-15 self, side by side in one process: the fast path (a clean
 * ~230-byte record with repeated values), the same record with one secret, a clean record with
 * unique values, and a typical failure record. Each implementation is measured twice (A/A) so
 * the noise floor of this run is printed beside the ratios. Round-robin rounds in rotating
 * order, medians in ns per record of CPU time (process.cpuUsage: on the shared 2-core VM, wall
 * time also counts the other processes' turns, and A/A pairs disagreed by up to 190 %).
 *
 *   npm run build && node bench/lib/build-baseline-redaction.mjs && node bench/redaction-baseline.mjs [--smoke]
 *
 * Writes bench/results/redaction-baseline.json (not with --smoke).
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { calibrate, median, observed, timeBlock } from './lib/cpu-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const curPath = join(here, '../packages/oauth-otel/dist/redaction/index.js');
const basePath = join(here, 'lib/baseline-redaction/dist/index.js');
for (const [p, how] of [[curPath, 'npm run build'], [basePath, 'node bench/lib/build-baseline-redaction.mjs']]) {
  if (!existsSync(p)) {
    console.error(`missing ${p}: run \`${how}\` first`);
    process.exit(1);
  }
}
const cur = require(curPath);
const base = require(basePath);
const baseCommit = readFileSync(join(here, 'lib/baseline-redaction/COMMIT'), 'utf8').trim();

const SMOKE = process.argv.includes('--smoke');
const ROUNDS = SMOKE ? 3 : 21;
const ROUND_MS = SMOKE ? 2 : 30;

const rnd = (n) => {
  let s = '';
  while (s.length < n) s += Math.random().toString(36).slice(2);
  return s.slice(0, n);
};
// Object literals, as at a real log call site (the same shapes as bench/redaction.mjs).
const cleanRecord = () => ({
  event: 'oauth.token.refresh', provider: 'github', status: 'success', reason: 'normal', duration_ms: 182,
  userId: 'user_8f3a2c', serverUuid: '550e8400-e29b-41d4-a716-446655440000',
  scope: 'read:user repo', message: 'Token refreshed successfully',
});
const uniqueClean = (i) => ({
  event: 'oauth.token.refresh', provider: 'github', status: 'success', reason: 'normal', duration_ms: 182 + (i % 7),
  userId: `user_${rnd(10)}`, serverUuid: crypto.randomUUID(), scope: 'read:user repo', message: `Token refreshed successfully for session ${i}`,
});
const oneSecret = () => ({
  event: 'oauth.token.refresh', provider: 'github', status: 'failure', reason: 'normal', duration_ms: 182,
  userId: 'user_8f3a2c', serverUuid: '550e8400-e29b-41d4-a716-446655440000', scope: 'read:user repo',
  message: 'Token refreshed successfully', metadata: { accessToken: `gho_${rnd(36)}`, expiresIn: 3600 },
});
const typicalFailure = () => ({
  event: 'oauth.token.refresh', provider: 'github', status: 'failure', reason: 'endpoint_error', duration_ms: 412,
  error: 'invalid_grant', error_description: 'The refresh token is invalid or expired', http_status: 400,
  token_endpoint: 'https://github.com/login/oauth/access_token', message: 'token refresh failed: invalid_grant (400)',
});
const pow2 = (make, n) => Array.from({ length: n }, (_, i) => make(i));
const corpus = [
  ['clean ~230 B (repeated values): fast path', pow2(cleanRecord, 1)],
  ['one secret ~300 B', pow2(oneSecret, 64)],
  ['clean ~250 B (unique values)', pow2(uniqueClean, 4096)],
  ['typical failure ~330 B (markers, no secret)', pow2(typicalFailure, 1)],
];

/** Each contender once per round, the order rotated every round; medians in ns/op. */
function measure(fns, inputs) {
  const names = Object.keys(fns);
  const iters = Object.fromEntries(names.map((n) => [n, calibrate(fns[n], inputs, ROUND_MS)]));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(k + r) % names.length];
      samples[n].push(timeBlock(fns[n], inputs, iters[n]));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

// Two bindings of each implementation: A/A pairs (identical work) give this run's noise floor.
const contenders = {
  'before #15': (o) => base.redact(o),
  'now': (o) => cur.redact(o),
  'before #15 (A/A)': (o) => base.redact(o),
  'now (A/A)': (o) => cur.redact(o),
};
const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`);
const pct = (a, b) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(0)} %`;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`# Redaction now vs before issue 15 (${baseCommit.slice(0, 7)})${SMOKE ? ' (smoke)' : ''}\n`);
console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, load ${load()}; ${ROUNDS} rotating rounds × ~${ROUND_MS} ms CPU, medians of CPU time.\n`);
console.log('| record | bytes | before #15 | now | now / before | A/A noise (before, now) |');
console.log('|---|---:|---:|---:|---:|---|');
const rows = [];
for (const [name, inputs] of corpus) {
  const m = measure(contenders, inputs);
  const bytes = Math.round(inputs.reduce((a, r) => a + JSON.stringify(r).length, 0) / inputs.length);
  const b = m['before #15'];
  const n = m.now;
  console.log(`| ${name} | ${bytes} | ${fmt(b)} | ${fmt(n)} | ${pct(n, b)} | ${pct(m['before #15 (A/A)'], b)}, ${pct(m['now (A/A)'], n)} |`);
  rows.push({ name, bytes, ns: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])) });
}
console.log(`\nload after: ${load()}`);
if (!SMOKE) {
  const out = join(here, 'results/redaction-baseline.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    date: new Date().toISOString(), baseline: baseCommit,
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, loadavg: os.loadavg() },
    rounds: ROUNDS, roundMs: ROUND_MS, rows,
  }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
if (observed()) console.log('unreachable');
