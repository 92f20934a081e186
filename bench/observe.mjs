#!/usr/bin/env node
// The traffic observer (on after initTelemetry(), docs/zero-code.md) beside an uninstrumented fetch loop: the cost
// per observed OAuth request (a refresh_token grant with rotation and a JSON token response) and
// the cost on non-OAuth requests, with an A/A pair of the uninstrumented loop as the noise floor.
// The server runs in a child process on 127.0.0.1, so this process's CPU is the client's and the
// observer's; wall time and CPU time per request are both reported (medians over rotating rounds).
//   npm run build && node bench/observe.mjs [--smoke]
import { spawn } from 'node:child_process';
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
const { startObserver, stopObserver, resolveObserve } = require('../packages/oauth-otel/dist/observe/index.js');

const ROUNDS = SMOKE ? 2 : 11;
const REQUESTS = SMOKE ? 20 : 1500;

// ---- the server (child process): metadata, a rotating token endpoint, a plain JSON API ----------
const SERVER = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const origin = 'http://' + req.headers.host;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/oauth-authorization-server') return res.end(JSON.stringify({ issuer: origin, token_endpoint: origin + '/token', code_challenge_methods_supported: ['S256'], authorization_response_iss_parameter_supported: true, registration_endpoint: origin + '/reg' }));
    if (req.url === '/token') { n++; return res.end(JSON.stringify({ access_token: 'eyJhbGciOiJFUzI1NiJ9.' + 'a'.repeat(600) + n, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-' + n + '-' + 'r'.repeat(40), scope: 'mcp:read' })); }
    res.end(JSON.stringify({ ok: true, items: [1, 2, 3], note: 'x'.repeat(600) }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const origin = `http://127.0.0.1:${port}`;

// The one line, observer on by default; each contender then stops or restarts it.
const handle = await api.initTelemetry({ serviceName: 'bench-observe', metrics: { port: 0, allowUnauthenticated: true }, logs: false });

let rt = 'rt-0';
const oauthRequest = async () => {
  const res = await fetch(`${origin}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'bench', resource: 'https://rs.example/' }) });
  const t = await res.json();
  rt = t.refresh_token;
};
const plainRequest = async () => {
  await (await fetch(`${origin}/api/items?page=1`)).json();
};

// The channels the observer subscribes to, with handlers that do nothing: what undici and http
// spend publishing to a subscriber at all, apart from the observer's own work.
const CHANNELS = ['create', 'bodyChunkSent', 'headers', 'bodyChunkReceived', 'trailers', 'error'].map((n) => `undici:request:${n}`)
  .concat(['http.client.request.start', 'http.client.response.finish', 'http.client.request.error']);
const noop = () => {};
let noopOn = false;
const noopSubscribers = (on) => {
  if (on === noopOn) return;
  for (const name of CHANNELS) (on ? diagnosticsChannel.subscribe : diagnosticsChannel.unsubscribe)(name, noop);
  noopOn = on;
};

const observe = async (on) => {
  stopObserver();
  noopSubscribers(on === 'noop');
  if (on === true) {
    startObserver(resolveObserve(true));
    await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json(); // learns /token
  }
};

const contenders = [
  { name: 'non-OAuth fetch, uninstrumented (A)', on: false, fn: plainRequest },
  { name: "non-OAuth fetch, uninstrumented (A')", on: false, fn: plainRequest },
  { name: 'non-OAuth fetch, observer on', on: true, fn: plainRequest },
  { name: 'non-OAuth fetch, no-op subscribers on the same channels', on: 'noop', fn: plainRequest },
  { name: 'OAuth refresh fetch, uninstrumented', on: false, fn: oauthRequest },
  { name: 'OAuth refresh fetch, observer on', on: true, fn: oauthRequest },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const samples = new Map(contenders.map((c) => [c.name, { wall: [], cpu: [] }]));
// warm-up of every path
for (const c of contenders) {
  await observe(c.on);
  for (let i = 0; i < Math.min(200, REQUESTS); i++) await c.fn();
}
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const c = contenders[(k + r) % contenders.length];
    await observe(c.on);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i++) await c.fn();
    const wall = Number(process.hrtime.bigint() - t0) / REQUESTS / 1000;
    const cpu = process.cpuUsage(cpu0);
    samples.get(c.name).wall.push(wall);
    samples.get(c.name).cpu.push((cpu.user + cpu.system) / REQUESTS);
  }
}
stopObserver();

const results = contenders.map((c) => {
  const s = samples.get(c.name);
  return { name: c.name, wallUs: median(s.wall), cpuUs: median(s.cpu), wallMinUs: Math.min(...s.wall), wallMaxUs: Math.max(...s.wall), rounds: s.wall.length };
});
const by = (n) => results.find((r) => r.name.startsWith(n));
const A = results[0];
const A2 = results[1];
const summary = {
  noiseFloor: { wallUs: Math.abs(A.wallUs - A2.wallUs), cpuUs: Math.abs(A.cpuUs - A2.cpuUs) },
  nonOAuth: { wallUs: by('non-OAuth fetch, observer').wallUs - A.wallUs, cpuUs: by('non-OAuth fetch, observer').cpuUs - A.cpuUs },
  nonOAuthNoopSubscribers: { wallUs: by('non-OAuth fetch, no-op').wallUs - A.wallUs, cpuUs: by('non-OAuth fetch, no-op').cpuUs - A.cpuUs },
  perObservedOAuthRequest: { wallUs: by('OAuth refresh fetch, observer').wallUs - by('OAuth refresh fetch, unin').wallUs, cpuUs: by('OAuth refresh fetch, observer').cpuUs - by('OAuth refresh fetch, unin').cpuUs },
};

console.log(`\n### Traffic observer vs an uninstrumented fetch loop (${REQUESTS} sequential requests per round, ${ROUNDS} rounds)\n`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
console.log('| Contender | median µs/request (wall) | median CPU µs/request | min wall | max wall |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.wallUs.toFixed(1)} | ${r.cpuUs.toFixed(1)} | ${r.wallMinUs.toFixed(1)} | ${r.wallMaxUs.toFixed(1)} |`);
console.log(`\nA/A noise floor: ${summary.noiseFloor.wallUs.toFixed(1)} µs wall, ${summary.noiseFloor.cpuUs.toFixed(1)} µs CPU`);
console.log(`cost on a non-OAuth request: ${summary.nonOAuth.wallUs.toFixed(1)} µs wall, ${summary.nonOAuth.cpuUs.toFixed(1)} µs CPU (no-op subscribers alone: ${summary.nonOAuthNoopSubscribers.wallUs.toFixed(1)} µs wall, ${summary.nonOAuthNoopSubscribers.cpuUs.toFixed(1)} µs CPU)`);
console.log(`cost per observed OAuth request: ${summary.perObservedOAuthRequest.wallUs.toFixed(1)} µs wall, ${summary.perObservedOAuthRequest.cpuUs.toFixed(1)} µs CPU`);

// ---- 2. the observer's own work per request, without the network: the diagnostics_channel
// messages undici publishes for one request, published in a loop (observer off = no subscriber).
const ch = Object.fromEntries(['create', 'bodyChunkSent', 'bodySent', 'headers', 'bodyChunkReceived', 'trailers'].map((n) => [n, diagnosticsChannel.channel(`undici:request:${n}`)]));
const plainHeaders = [Buffer.from('content-type'), Buffer.from('application/json'), Buffer.from('content-length'), Buffer.from('640')];
const plainBody = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3], note: 'x'.repeat(600) }));
const tokenBody = (i) => Buffer.from(JSON.stringify({ access_token: 'eyJhbGciOiJFUzI1NiJ9.' + 'a'.repeat(600) + i, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-${i + 1}-${'r'.repeat(40)}`, scope: 'mcp:read' }));
const tokenForm = (i) => Buffer.from(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: `rt-${i}-${'r'.repeat(40)}`, client_id: 'bench', resource: 'https://rs.example/' }).toString());
const bodies = Array.from({ length: 1024 }, (_, i) => [tokenForm(i), tokenBody(i)]);
const publishRequest = (path, headers, sent, received) => {
  const request = { origin, path, method: sent ? 'POST' : 'GET' };
  ch.create.publish({ request });
  if (sent) ch.bodyChunkSent.publish({ request, chunk: sent });
  ch.bodySent.publish({ request });
  ch.headers.publish({ request, response: { statusCode: 200, headers, statusText: 'OK' } });
  ch.bodyChunkReceived.publish({ request, chunk: received });
  ch.trailers.publish({ request, trailers: [] });
};
const plain = () => publishRequest('/api/items?page=1', plainHeaders, undefined, plainBody);
const oauth = (i) => publishRequest('/token', plainHeaders, bodies[i & 1023][0], bodies[i & 1023][1]);
const micro = [];
for (const on of [false, true]) {
  await observe(on);
  const r = await compare([
    { name: `non-OAuth request messages, observer ${on ? 'on' : 'off'}`, fn: plain },
    // the same contender twice: the A/A floor of this loop
    { name: `non-OAuth request messages, observer ${on ? 'on' : 'off'} (A/A)`, fn: plain },
    { name: `OAuth refresh messages, observer ${on ? 'on' : 'off'}`, fn: oauth },
  ], { ops: 5_000, warmup: 2_000 });
  micro.push(...r);
}
stopObserver();
console.log('\n### The observer\'s work per request (undici\'s channel messages of one request, published in a loop)\n');
console.log('| Contender | median ns/request | min | max |');
console.log('|---|---|---|---|');
for (const r of micro) console.log(`| ${r.name} | ${r.medianNs.toFixed(0)} | ${r.minNs.toFixed(0)} | ${r.maxNs.toFixed(0)} |`);
const m = (n) => micro.find((r) => r.name === n).medianNs;
summary.observerNsPerNonOAuthRequest = m('non-OAuth request messages, observer on') - m('non-OAuth request messages, observer off');
summary.observerNsPerOAuthRequest = m('OAuth refresh messages, observer on') - m('OAuth refresh messages, observer off');
summary.microNoiseFloorNs = Math.max(...[false, true].map((on) => Math.abs(m(`non-OAuth request messages, observer ${on ? 'on' : 'off'}`) - m(`non-OAuth request messages, observer ${on ? 'on' : 'off'} (A/A)`))));
console.log(`\nobserver work per non-OAuth request: ${summary.observerNsPerNonOAuthRequest.toFixed(0)} ns (A/A floor ${summary.microNoiseFloorNs.toFixed(0)} ns); per observed OAuth refresh: ${summary.observerNsPerOAuthRequest.toFixed(0)} ns`);

await handle.shutdown();
child.kill();
if (!SMOKE) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/observe.json'), JSON.stringify({ title: 'Traffic observer vs uninstrumented fetch', machine: machine(), requestsPerRound: REQUESTS, rounds: ROUNDS, results, micro, summary }, null, 2) + '\n');
}
