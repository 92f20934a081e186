#!/usr/bin/env node
// The traffic observer's hook on the app's own HTTP server (http.server.response.finish, for the
// authorization request's redirect: docs/zero-code.md, RFC 8707 row): its work per response of
// the app, without the network. The message Node publishes when a response finishes is published
// in a loop with and without the observer subscribed, for a 200 (every ordinary response), a 302
// elsewhere (a login redirect), and a 302 to a learned authorization endpoint (the observed case).
//   npm run build && node bench/observe-server.mjs [--smoke]
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import diagnosticsChannel from 'node:diagnostics_channel';
import { compare, machine, SMOKE } from './lib/harness.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const api = require('../packages/oauth-otel/dist/index.js');
const { startObserver, stopObserver, resolveObserve, currentObserver } = require('../packages/oauth-otel/dist/observe/index.js');

const handle = await api.initTelemetry({ serviceName: 'bench-observe-server', metrics: { port: 0, allowUnauthenticated: true }, logs: false, observe: false });
const finish = diagnosticsChannel.channel('http.server.response.finish');
const AUTH = 'https://as.example/authorize';
const response = (statusCode, location) => ({ statusCode, getHeader: (n) => (n === 'location' ? location : undefined) });
const ok = response(200, undefined);
const elsewhere = response(302, '/login?next=%2Fdashboard');
const challenges = Array.from({ length: 1024 }, (_, i) => `${'A'.repeat(38)}${String(i).padStart(5, '0')}`);
const authorizeAt = (i) => response(302, `${AUTH}?client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=mcp%3Aread&resource=https%3A%2F%2Frs.example%2Fmcp&state=s${i}&code_challenge=${challenges[i & 1023]}&code_challenge_method=S256`);
const authorizeResponses = Array.from({ length: 1024 }, (_, i) => authorizeAt(i));

const publish = (res) => finish.publish({ request: {}, response: res, socket: {}, server: {} });
const results = [];
for (const on of [false, true]) {
  stopObserver();
  if (on) {
    startObserver(resolveObserve(true));
    currentObserver().routes.learnAuthorization('https://as.example', AUTH);
  }
  let i = 0;
  results.push(...(await compare([
    { name: `200 response, observer ${on ? 'on' : 'off'}`, fn: () => publish(ok) },
    { name: `302 elsewhere, observer ${on ? 'on' : 'off'}`, fn: () => publish(elsewhere) },
    { name: `302 to the authorization endpoint, observer ${on ? 'on' : 'off'}`, fn: () => publish(authorizeResponses[i++ & 1023]) },
  ], SMOKE ? { rounds: 2, ops: 200, warmup: 100 } : { ops: 20_000, warmup: 5_000 })));
}
stopObserver();
await handle.shutdown();

const m = (n) => results.find((r) => r.name === n).medianNs;
const summary = Object.fromEntries(['200 response', '302 elsewhere', '302 to the authorization endpoint'].map((k) => [k, m(`${k}, observer on`) - m(`${k}, observer off`)]));
console.log(`\n### Observer hook on the app server's responses (http.server.response.finish published in a loop)\n`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
console.log('| Contender | median ns/response | min | max |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.medianNs.toFixed(0)} | ${r.minNs.toFixed(0)} | ${r.maxNs.toFixed(0)} |`);
for (const [k, v] of Object.entries(summary)) console.log(`observer work, ${k}: ${v.toFixed(0)} ns`);
if (!SMOKE) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/observe-server.json'), JSON.stringify({ title: 'Traffic observer hook on the app server', machine: machine(), results, summary }, null, 2) + '\n');
}
