#!/usr/bin/env node
/**
 * Redaction benchmark: oauth-otel's redactor against pino 10's redaction (@pinojs/redact, and a
 * pino logger with `redact.paths`), a Collector-style regex scrub over JSON.stringify output, and
 * a plain JSON.stringify baseline, side by side in one run. Also counts how many planted secrets
 * each approach leaves in its output.
 *
 *   npm run build && node bench/redaction.mjs          # full run, writes bench/results/redaction.json
 *   node bench/redaction.mjs --smoke                   # tiny iteration counts (CI), writes nothing
 *
 * Only ratios within one run are comparable: the development VMs are noisy (about ±30 %, see
 * performance-anchors.md), so every round measures all approaches in turn and medians are reported,
 * in CPU time of this process (process.cpuUsage: wall time also counts other processes' turns).
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { calibrate, median, observed, timeBlock } from './lib/cpu-timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, '../packages/oauth-otel/dist/redaction/index.js');
if (!existsSync(dist)) {
  console.error(`missing ${dist}: run \`npm run build\` first`);
  process.exit(1);
}
const { redact, createRedactor } = require(dist);
const pinoRedact = require('@pinojs/redact');
const pino = require('pino');

const SMOKE = process.argv.includes('--smoke');
const ROUNDS = SMOKE ? 2 : 7;
const ROUND_MS = SMOKE ? 2 : 40;

// ---- corpus --------------------------------------------------------------------------------
let seq = 0;
const rnd = (n) => {
  let s = '';
  while (s.length < n) s += (Math.random().toString(36).slice(2) + Math.random().toString(36).toUpperCase().slice(2));
  return s.slice(0, n);
};
const b64url = (s) => Buffer.from(s).toString('base64url');
const jwt = () => `${b64url('{"alg":"ES256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: rnd(12), iat: 1_700_000_000 + seq++ }))}.${rnd(86)}`;

/** Secrets planted in a record, so leaks can be counted per approach. */
const planted = new Map();
const plant = (record, secrets) => {
  planted.set(record, secrets);
  return record;
};

function cleanRecord(i = 0) {
  return {
    event: 'oauth.token.refresh', provider: 'github', status: 'success', reason: 'normal', duration_ms: 182 + (i % 7),
    userId: `user_${(0x8f3a2c + i).toString(16)}`, serverUuid: '550e8400-e29b-41d4-a716-446655440000',
    scope: 'read:user repo', message: 'Token refreshed successfully',
  };
}
// Records are object literals, as at a real log call site (spread-built objects take slower
// property paths in V8, for every approach).
function uniqueCleanRecord(i) {
  return {
    event: 'oauth.token.refresh', provider: 'github', status: 'success', reason: 'normal', duration_ms: 182 + (i % 7),
    userId: `user_${rnd(10)}`, serverUuid: crypto.randomUUID(), scope: 'read:user repo', message: `Token refreshed successfully for session ${i}`,
  };
}
function typicalFailure() {
  return {
    event: 'oauth.token.refresh', provider: 'github', status: 'failure', reason: 'endpoint_error', duration_ms: 412,
    error: 'invalid_grant', error_description: 'The refresh token is invalid or expired', http_status: 400,
    token_endpoint: 'https://github.com/login/oauth/access_token', message: 'token refresh failed: invalid_grant (400)',
  };
}
function uniqueFailure(i) {
  return {
    event: 'oauth.token.refresh', provider: 'github', status: 'failure', reason: 'endpoint_error', duration_ms: 412,
    error: 'invalid_grant', error_description: 'The refresh token is invalid or expired', http_status: 400,
    token_endpoint: 'https://github.com/login/oauth/access_token', userId: `user_${rnd(10)}`, request_id: crypto.randomUUID(),
    message: `token refresh failed for user_${rnd(6)} after ${i % 900} ms: invalid_grant (400)`,
    url: `https://api.example/v1/connections/${rnd(8)}?page=${i % 50}&per_page=20`,
  };
}
function oneSecret() {
  const at = `gho_${rnd(36)}`;
  return plant({
    event: 'oauth.token.refresh', provider: 'github', status: 'failure', reason: 'normal', duration_ms: 182,
    userId: 'user_8f3a2c', serverUuid: '550e8400-e29b-41d4-a716-446655440000', scope: 'read:user repo',
    message: 'Token refreshed successfully', metadata: { accessToken: at, expiresIn: 3600 },
  }, [at]);
}
function manySecrets() {
  const at = `gho_${rnd(36)}`; const rt = `ghr_${rnd(40)}`; const idt = jwt(); const code = rnd(20); const state = rnd(22);
  const cs = rnd(32); const cookie = rnd(40); const verifier = rnd(43); const dpop = jwt();
  return plant({
    event: 'oauth.callback', provider: 'github', status: 'failure', reason: 'exchange_failed', duration_ms: 731,
    url: `https://app.example/api/oauth/callback?code=${code}&state=${state}&iss=https%3A%2F%2Fgithub.com`,
    request: {
      method: 'POST', url: 'https://github.com/login/oauth/access_token',
      headers: { Authorization: `Basic ${Buffer.from(`client-1:${cs}`).toString('base64')}`, Cookie: `sid=${cookie}; theme=dark`, DPoP: dpop, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${code}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=${verifier}`,
    },
    response: { status: 200, data: { access_token: at, token_type: 'bearer', scope: 'repo', refresh_token: rt, id_token: idt, expires_in: 28800 } },
    err: { name: 'Error', message: `unexpected token response ${JSON.stringify({ access_token: at, refresh_token: rt })}`, stack: `Error: unexpected token response\n    at exchange (/app/lib/oauth/callback.ts:88:13)` },
    metadata: { refreshToken: rt, clientSecret: cs, state },
  }, [at, rt, idt, code, state, cs, cookie, verifier, dpop, Buffer.from(`client-1:${cs}`).toString('base64')]);
}
/** A debug batch of records, ~1 in 8 carrying secrets, padded to about `bytes`. */
function batch(bytes, dirty) {
  const events = [];
  const secrets = [];
  let i = 0;
  while (JSON.stringify(events).length < bytes - 120) {
    if (dirty && i % 8 === 3) {
      const r = oneSecret();
      secrets.push(...planted.get(r));
      events.push(r);
    } else events.push(i % 3 === 0 ? typicalFailure() : cleanRecord(i));
    i++;
  }
  const rec = { event: 'oauth.debug.batch', count: events.length, events };
  return dirty ? plant(rec, secrets) : rec;
}

// ---- approaches ----------------------------------------------------------------------------
/** pino-style paths: the seed's list made generous (snake + camel, top level and one level down). */
const NAMES = ['access_token', 'accessToken', 'refresh_token', 'refreshToken', 'id_token', 'idToken', 'token', 'client_secret', 'clientSecret', 'password', 'code', 'code_verifier', 'state', 'authorization', 'Authorization', 'cookie', 'Cookie'];
const PATHS = [...NAMES, ...NAMES.map((n) => `*.${n}`), 'request.headers.Authorization', 'request.headers.Cookie', 'request.headers.DPoP', 'response.data.access_token', 'response.data.refresh_token', 'response.data.id_token', 'events[*].metadata.accessToken'];
const pinoRedactFn = pinoRedact({ paths: PATHS });
/** The minimal config of performance-anchors.md set A: two static paths. */
const PATHS_STATIC = ['access_token', 'metadata.access_token'];
const pinoRedactStatic = pinoRedact({ paths: PATHS_STATIC });

/** Collector-style scrub: a handful of regexes over the serialized record (blocked_values). */
const SCRUB = [
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '****'],
  [/\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 ****'],
  [/([?&#](?:code|state|access_token|refresh_token|id_token|client_secret|code_verifier|token)=)[^&#\s"]+/gi, '$1****'],
  [/("(?:access_token|refresh_token|id_token|client_secret|password|token|code_verifier|authorization|cookie|accessToken|refreshToken|clientSecret)"\s*:\s*")[^"]*/gi, '$1****'],
];
function regexScrub(obj) {
  let s = JSON.stringify(obj);
  for (const [re, rep] of SCRUB) s = s.replace(re, rep);
  return s;
}

const approaches = {
  'JSON.stringify': (o) => JSON.stringify(o),
  'ours: redact': (o) => redact(o),
  'ours: redact+stringify': (o) => JSON.stringify(redact(o)),
  '@pinojs/redact': (o) => pinoRedactFn(o),
  '@pinojs/redact 2 static': (o) => pinoRedactStatic(o),
  'regex scrub': regexScrub,
};
const serializedBy = {
  'ours: redact+stringify': (o) => JSON.stringify(redact(o)),
  '@pinojs/redact': (o) => pinoRedactFn(o),
  '@pinojs/redact 2 static': (o) => pinoRedactStatic(o),
  'regex scrub': regexScrub,
};

// ---- harness -------------------------------------------------------------------------------
/** Measures every approach on `inputs`, round-robin, and returns medians in ns/op. */
function measureAll(fns, inputs) {
  const names = Object.keys(fns);
  const iters = Object.fromEntries(names.map((n) => [n, calibrate(fns[n], inputs, ROUND_MS)]));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) for (const n of names) samples[n].push(timeBlock(fns[n], inputs, iters[n]));
  return Object.fromEntries(names.map((n) => [n, { median: median(samples[n]), rounds: samples[n].map((x) => Math.round(x)) }]));
}
const pow2 = (make, n) => Array.from({ length: n }, (_, i) => make(i));

function leaks(name, records) {
  let total = 0;
  let leaked = 0;
  for (const r of records) {
    const secrets = planted.get(r);
    if (!secrets) continue;
    const out = serializedBy[name](r);
    for (const s of secrets) {
      total++;
      if (out.includes(s)) leaked++;
    }
  }
  return total === 0 ? null : { leaked, total };
}

// ---- run -----------------------------------------------------------------------------------
const corpus = [
  ['clean ~230 B (repeated values)', pow2(() => cleanRecord(), 1)],
  ['clean ~250 B (unique values)', pow2(uniqueCleanRecord, 4096)],
  ['typical failure ~330 B (markers, no secret)', pow2(typicalFailure, 1)],
  ['typical failure ~470 B (markers, unique values)', pow2(uniqueFailure, 4096)],
  ['one secret ~300 B', pow2(oneSecret, 64)],
  ['many secrets ~1.9 KB', pow2(manySecrets, 64)],
  ['batch 4 KB, 1/8 dirty', pow2(() => batch(4 << 10, true), 8)],
  ['batch 16 KB, 1/8 dirty', pow2(() => batch(16 << 10, true), 4)],
  ['batch 64 KB, 1/8 dirty', pow2(() => batch(64 << 10, true), 2)],
];
const SIZES = [256, 1 << 10, 4 << 10, 16 << 10, 64 << 10];

const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const results = { corpus: [], sizes: [], pinoLogger: null };

console.log(`# Redaction benchmark${SMOKE ? ' (smoke)' : ''}\n`);
console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${ROUNDS} rounds × ~${ROUND_MS} ms per approach, round-robin; medians in ns/op.\n`);

console.log(`@pinojs/redact: ${PATHS.length} paths (snake + camel names, top level and \`*.\` one level down, a few exact deep paths); "2 static": ${JSON.stringify(PATHS_STATIC)}.`);
console.log('Regex scrub: JSON.stringify, then 4 Collector-style regexes (JWT, auth schemes, OAuth query params, JSON secret keys).\n');
console.log('| corpus | bytes | JSON.stringify | ours: redact | ours: redact+stringify | @pinojs/redact (N paths) | @pinojs/redact 2 static | regex scrub | ours+stringify / pino N | ours+stringify / pino 2 | ours+stringify / regex | leaks ours / pino N / pino 2 / regex |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const [name, inputs] of corpus) {
  const m = measureAll(approaches, inputs);
  const bytes = Math.round(inputs.reduce((a, r) => a + JSON.stringify(r).length, 0) / inputs.length);
  const lk = Object.fromEntries(Object.keys(serializedBy).map((n) => [n, leaks(n, inputs)]));
  const l = (x) => (x ? `${x.leaked}/${x.total}` : '–');
  const ours = m['ours: redact+stringify'].median;
  console.log(`| ${name} | ${bytes} | ${fmt(m['JSON.stringify'].median)} | ${fmt(m['ours: redact'].median)} | ${fmt(ours)} | ${fmt(m['@pinojs/redact'].median)} | ${fmt(m['@pinojs/redact 2 static'].median)} | ${fmt(m['regex scrub'].median)} | ${ratio(ours, m['@pinojs/redact'].median)} | ${ratio(ours, m['@pinojs/redact 2 static'].median)} | ${ratio(ours, m['regex scrub'].median)} | ${l(lk['ours: redact+stringify'])} / ${l(lk['@pinojs/redact'])} / ${l(lk['@pinojs/redact 2 static'])} / ${l(lk['regex scrub'])} |`);
  results.corpus.push({ name, bytes, ns: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v.median)])), rounds: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.rounds])), leaks: lk });
}

console.log('\n## Size vs cost (clean and 1/8-dirty batches)\n');
console.log('| bytes | variant | JSON.stringify | ours: redact | ours: redact+stringify | @pinojs/redact (N paths) | @pinojs/redact 2 static | regex scrub | ours redact ns/KB | stringify ns/KB |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const size of SIZES) {
  for (const dirty of [false, true]) {
    const inputs = pow2(() => batch(size, dirty), 2);
    const m = measureAll(approaches, inputs);
    const bytes = JSON.stringify(inputs[0]).length;
    console.log(`| ${bytes} | ${dirty ? 'dirty' : 'clean'} | ${fmt(m['JSON.stringify'].median)} | ${fmt(m['ours: redact'].median)} | ${fmt(m['ours: redact+stringify'].median)} | ${fmt(m['@pinojs/redact'].median)} | ${fmt(m['@pinojs/redact 2 static'].median)} | ${fmt(m['regex scrub'].median)} | ${Math.round((m['ours: redact'].median / bytes) * 1024)} | ${Math.round((m['JSON.stringify'].median / bytes) * 1024)} |`);
    results.sizes.push({ bytes, dirty, ns: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v.median)])) });
  }
}

// pino loggers writing to an in-process null stream (no setImmediate yield: pure call cost).
const nullStream = () => new Writable({ write(_c, _e, cb) { cb(); } });
const loggers = {
  'pino': pino({ base: undefined, timestamp: false }, nullStream()),
  'pino + redact.paths': pino({ base: undefined, timestamp: false, redact: { paths: PATHS } }, nullStream()),
  'pino + 2 static paths': pino({ base: undefined, timestamp: false, redact: { paths: PATHS_STATIC } }, nullStream()),
  'pino + ours (formatters.log)': pino({ base: undefined, timestamp: false, formatters: { log: (o) => redact(o) } }, nullStream()),
};
const logInputs = [cleanRecord(), oneSecret()];
console.log('\n## pino logger, info(obj, msg) to a null stream\n');
console.log('| record | pino | pino + redact.paths (N) | pino + 2 static paths | pino + ours (formatters.log) |');
console.log('|---|---:|---:|---:|---:|');
results.pinoLogger = [];
for (const [label, rec] of [['clean ~230 B', logInputs[0]], ['one secret ~300 B', logInputs[1]]]) {
  const fns = Object.fromEntries(Object.entries(loggers).map(([k, lg]) => [k, (o) => lg.info(o, 'token refreshed')]));
  const m = measureAll(fns, [rec]);
  console.log(`| ${label} | ${fmt(m['pino'].median)} | ${fmt(m['pino + redact.paths'].median)} | ${fmt(m['pino + 2 static paths'].median)} | ${fmt(m['pino + ours (formatters.log)'].median)} |`);
  results.pinoLogger.push({ record: label, ns: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v.median)])) });
}

// Fingerprint mode cost on the many-secrets record.
const fpRedactor = createRedactor({ fingerprint: { key: 'bench-fingerprint-key-0123456789' } });
const many = corpus.find(([n]) => n.startsWith('many secrets'))[1];
const fpm = measureAll({ 'ours: redact': (o) => redact(o), 'ours: redact (fingerprint)': (o) => fpRedactor.redact(o) }, many);
console.log(`\nFingerprint mode on "many secrets": ${fmt(fpm['ours: redact (fingerprint)'].median)} vs ${fmt(fpm['ours: redact'].median)} with the plain marker.`);
results.fingerprint = Object.fromEntries(Object.entries(fpm).map(([k, v]) => [k, Math.round(v.median)]));

if (!SMOKE) {
  const out = join(here, 'results/redaction.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, os: `${os.platform()} ${os.release()}`, loadavg: os.loadavg() },
    rounds: ROUNDS, roundMs: ROUND_MS, pinoPaths: PATHS, pinoPathsStatic: PATHS_STATIC, ...results,
  }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}
if (observed()) console.log('unreachable');
