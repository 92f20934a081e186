#!/usr/bin/env node
/**
 * The egress guard's own cost: building the stdout JSON line of a typical event (jsonLine) with
 * and without the last scan (guardLine), round-robin with an A/A pair (the same unguarded work
 * measured twice) as the noise floor. Medians of 9 rounds, CPU ns per line (process.cpuUsage:
 * wall time on the shared VM also counts other processes' turns).
 *
 *   npm run build && node bench/egress.mjs
 */
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, '../packages/oauth-otel/dist');
const { jsonLine } = require(join(dist, 'logs/format.js'));
const { guardLine } = require(join(dist, 'logs/egress.js'));
const { createRedactor } = require(join(dist, 'redaction/index.js'));

const redactor = createRedactor();
const resource = { service_name: 'bench', deployment_environment_name: 'production' };
const fields = {
  event: 'oauth.token.refresh', 'oauth.provider': 'github', 'oauth.outcome': 'failure', 'oauth.reason': 'endpoint_error',
  'oauth.token.fingerprint': '3f2a9c1b7e4d', duration_ms: 182, http_status: 400, error: 'invalid_grant',
  error_description: 'The refresh token is invalid', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7',
};
const A = () => jsonLine(resource, 'warn', 'token refresh failed', 'oauth.token.refresh', fields);
const B = () => guardLine(A(), redactor, 'warn');
const ROUNDS = 9;
const N = 20_000;
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const time = (f) => {
  const t = cpuNs();
  for (let i = 0; i < N; i++) f();
  return (cpuNs() - t) / N;
};
for (let i = 0; i < 3; i++) { time(A); time(B); }
const r = { A: [], A2: [], guarded: [] };
for (let i = 0; i < ROUNDS; i++) { r.A.push(time(A)); r.guarded.push(time(B)); r.A2.push(time(A)); }
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const a = med(r.A), a2 = med(r.A2), g = med(r.guarded);
console.log(JSON.stringify({ bytes: A().length, lineNs: Math.round(a), aaNs: Math.round(a2), aaNoisePct: +((a2 / a - 1) * 100).toFixed(1), guardedNs: Math.round(g), guardNs: Math.round(g - a), guardPct: +((g / a - 1) * 100).toFixed(1) }));
