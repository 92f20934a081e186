#!/usr/bin/env node
// Top self-time frames of a V8 CPU profile (node --cpu-prof), and the total time under frames
// whose URL matches a pattern (self + children), for "what is left" summaries.
//   node bench/lib/profile-summary.mjs PROFILE.cpuprofile [--top 25] [--under oauth-otel/dist] [--only-under]
// --only-under: the self-time table counts only samples under a matching frame (what the package costs).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv[0];
const arg = (n, d) => (argv.includes(`--${n}`) ? argv[argv.indexOf(`--${n}`) + 1] : d);
const TOP = Number(arg('top', 25));
const UNDER = arg('under', 'oauth-otel/dist');

/** @returns {{ total: number, rows: {frame: string, selfMs: number, pct: number}[], underMs: number }} */
export function summarize(profile, { top = 25, under = 'oauth-otel/dist', onlyUnder = false } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(packages|examples|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  let total = 0;
  let underUs = 0;
  for (const [id, us] of dt) {
    const n = nodes.get(id);
    total += us;
    // counted once if any ancestor (or itself) matches
    let isUnder = false;
    for (let x = id; x !== undefined; x = parent.get(x)) {
      if (nodes.get(x).callFrame.url.includes(under)) {
        isUnder = true;
        break;
      }
    }
    if (isUnder) underUs += us;
    if (!onlyUnder || isUnder) self.set(name(n), (self.get(name(n)) ?? 0) + us);
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([frame, us]) => ({ frame, selfMs: us / 1000, pct: (100 * us) / total }));
  return { totalMs: total / 1000, underMs: underUs / 1000, rows };
}

if (file) {
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')), { top: TOP, under: UNDER, onlyUnder: argv.includes('--only-under') });
  console.log(`total ${s.totalMs.toFixed(0)} ms sampled; under ${UNDER}: ${s.underMs.toFixed(0)} ms (${((100 * s.underMs) / s.totalMs).toFixed(1)} %)\n`);
  console.log('| self ms | % | frame |\n|---:|---:|---|');
  for (const r of s.rows) console.log(`| ${r.selfMs.toFixed(1)} | ${r.pct.toFixed(1)} | \`${r.frame}\` |`);
}
