#!/usr/bin/env node
/**
 * Dense-string cost of the text scanner: redact({ body: s }) against JSON.stringify of the same
 * input, per class of adversarial string (one candidate every few bytes: `code=a,`, `a=`, `%3D`,
 * `Bearer `, …). Rotating rounds in CPU time, with an A/A pair (JSON.stringify against itself)
 * to show the noise floor. test/redaction/linear-time.property.test.ts holds these classes to 40×
 * (candidate-dense strings, a documented gap) and every other input to 20×.
 *
 *   npm run build && node bench/dense-strings.mjs            # 256 KB and 1 MB, 7 rounds
 *   node bench/dense-strings.mjs --smoke                     # 16 KB, 2 rounds (seconds)
 *   node bench/dense-strings.mjs --only 'code=a,'            # classes whose unit contains this
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { cpuNs, median, observed } from './lib/cpu-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, '../packages/oauth-otel/dist/redaction/index.js');
if (!existsSync(dist)) {
  console.error(`missing ${dist}: run \`npm run build\` first`);
  process.exit(1);
}
const { createRedactor } = require(dist);
const r = createRedactor();

const SMOKE = process.argv.includes('--smoke');
const oi = process.argv.indexOf('--only');
const ONLY = oi > 0 ? process.argv[oi + 1] : undefined;
const ROUNDS = SMOKE ? 2 : 7;
const SIZES = SMOKE ? [16 * 1024] : [256 * 1024, 1024 * 1024];

/** The dense classes: each unit repeated to the size. */
export const UNITS = [
  'code=a,', 'a=', '=', ':', '&', '=:&', '"k":"v",', '%3D', '%253D', 'Bearer ', 'bearer:', '-----BEGIN', 'eyJ', '<a>',
  '[k]=', 'k=v&', 'code: x ', 'state=', '&code=', '"a":', "'password':", 'https://', 'password: |\n', 'ghp_', 'sk-', 'AKIA',
  '"\\u0070assword":"', '-----BEGIN PRIVATE KEY-----', 'Bearer: ', ' -u ', ' --client-secret ', '<password>',
  '<input name="code" value="', 'name="password"\r\n', '[access_token] => ', '"code"=>', 'user[password]=', '%3D%3D',
  'Authorization: Bearer\r\n ', '{"kty":"RSA","d":', '"claims":{"id_token":{', 'key=', '\\n', '=&:,;', 'a=b;c:d,',
  'password ', ' --x ', '", "', 'x://', 'a:b@', '%22', '%3A', 'key: ', 'name="', 'value="',
];

let sink;
const ROUND_MS = SMOKE ? 2 : 30;
/** CPU ns per byte of `fn(input)` over `iters` calls. */
const perByte = (fn, input, bytes, iters) => {
  const t0 = cpuNs();
  for (let i = 0; i < iters; i++) sink = fn(input);
  return (cpuNs() - t0) / bytes / iters;
};
/** Calls that take about ROUND_MS of CPU. */
const itersFor = (fn, input) => {
  const t0 = cpuNs();
  sink = fn(input);
  const ms = Math.max((cpuNs() - t0) / 1e6, 0.001);
  return Math.max(1, Math.round(ROUND_MS / ms));
};

console.log(`dense strings: redact / JSON.stringify, CPU time, median of ${ROUNDS} rotating rounds; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const rows = [];
/** Classes whose names are all distinct (`k0=v&k1=v&…`): every candidate pays a key
 *  classification, where the repeated units above are served by the scanner's memos. */
export const DISTINCT = [[' --kN ', (i) => ` --k${i.toString(36)} `], ['kN=v&', (i) => `k${i.toString(36)}=v&`], ['kN: ', (i) => `k${i.toString(36)}: `],
  ['<aN>', (i) => `<a${i.toString(36)}>`], ['"kN":"v",', (i) => `"k${i.toString(36)}":"v",`], ["'nameN':", (i) => `'name${i.toString(36)}':`]];
const distinct = (make, size) => {
  let s = '';
  for (let i = 0; s.length < size; i++) s += make(i);
  return s.slice(0, size);
};
for (const size of SIZES) {
  for (const unit of [...UNITS, ...DISTINCT]) {
    const name = typeof unit === 'string' ? unit : `${unit[0]} (distinct)`;
    if (ONLY !== undefined && !name.includes(ONLY)) continue;
    const body = typeof unit === 'string' ? unit.repeat(Math.ceil(size / unit.length)).slice(0, size) : distinct(unit[1], size);
    const input = { body };
    const bytes = JSON.stringify(input).length;
    const redact = (x) => r.redact(x);
    const base = (x) => JSON.stringify(x);
    redact(input); base(input); redact(input); base(input);
    const ri = itersFor(redact, input);
    const bi = itersFor(base, input);
    const ratios = [];
    const aa = [];
    const ns = [];
    for (let k = 0; k < ROUNDS; k++) {
      // Rotate the order so that neither side always runs first (GC, caches).
      const order = k % 2 === 0 ? [base, redact, base] : [redact, base, base];
      const t = order.map((f) => perByte(f, input, bytes, f === base ? bi : ri));
      const [b1, b2] = order[0] === base ? [t[0], t[2]] : [t[1], t[2]];
      const rd = order[0] === base ? t[1] : t[0];
      ratios.push(rd / Math.max(Math.min(b1, b2), 1e-3));
      ns.push(rd);
      aa.push(b1 / Math.max(b2, 1e-3));
    }
    const row = { unit: name, kb: size >> 10, ratio: median(ratios), aa: median(aa), ns: median(ns) };
    rows.push(row);
    console.log(`  ${JSON.stringify(name).padEnd(34)} ${String(row.kb).padStart(5)} KB  ${row.ratio.toFixed(1).padStart(6)}×   (A/A ${row.aa.toFixed(2)}, ${row.ns.toFixed(2)} ns/B)`);
  }
}
console.log('\n| class | KB | redact / JSON.stringify | A/A | ns/B |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) console.log(`| \`${JSON.stringify(row.unit).slice(1, -1).replace(/\|/g, '\\|')}\` | ${row.kb} | ${row.ratio.toFixed(1)}× | ${row.aa.toFixed(2)} | ${row.ns.toFixed(2)} |`);
const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a), rows[0]);
if (worst) console.log(`worst: ${JSON.stringify(worst.unit)} ${worst.kb} KB ${worst.ratio.toFixed(1)}×`);
if (observed()) console.log(sink);
