#!/usr/bin/env node
// Raw-HTTP attack on initTelemetry()'s /metrics server over 127.0.0.1 (issue 15): Bearer variants,
// repeated Authorization, Basic, query tokens, every method, HTTP/1.0 and 0.9, absolute-form and
// dot-segment targets, huge headers, CL+TE, slowloris, non-reading clients, a 200-scrape storm, and
// an observable callback that never settles. Prints one status line per case.
//
//   npm run build && node scripts/hostile/metrics-http.mjs
import { createRequire } from 'node:module';
import net from 'node:net';
const require = createRequire(import.meta.url);
const api = require('../../packages/oauth-otel/dist/index.js');
const { metrics } = require('@opentelemetry/api');
const TOKEN = 'T'.repeat(8) + 'okenOKEN12345678';
const h = await api.initTelemetry({ metrics: { port: 0, token: TOKEN }, logs: false });
const url = new URL(h.metricsUrl);
console.log('metricsUrl', h.metricsUrl);
api.flowStarted({ provider: 'https://as.example' });
function raw(req, { timeout = 3000, slow } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(+url.port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => (buf += d));
    const done = () => { s.destroy(); resolve(buf); };
    s.on('end', done); s.on('error', done); s.on('close', done);
    setTimeout(done, timeout);
    s.on('connect', () => (slow ? slow(s) : s.write(req)));
  });
}
const status = (r) => r.split('\r\n')[0] + (r.includes('oauth_flows_started_total') ? '  <<DATA>>' : '');
const host = `Host: 127.0.0.1:${url.port}\r\n`;
const cases = {
  'GET no auth': `GET /metrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  'GET good': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'GET bearer lower': `GET /metrics HTTP/1.1\r\n${host}Authorization: bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'GET bearer tab': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer\t${TOKEN}\r\nConnection: close\r\n\r\n`,
  'GET bearer nbsp': Buffer.concat([Buffer.from(`GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer`), Buffer.from([0xa0]), Buffer.from(`${TOKEN}\r\nConnection: close\r\n\r\n`)]),
  'GET bearer trailing sp': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}   \r\nConnection: close\r\n\r\n`,
  'GET bearer colon': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer: ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'GET basic': `GET /metrics HTTP/1.1\r\n${host}Authorization: Basic ${Buffer.from('u:' + TOKEN).toString('base64')}\r\nConnection: close\r\n\r\n`,
  'GET dup wrong-first': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer wrong\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'GET dup good-first': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nAuthorization: Bearer wrong\r\nConnection: close\r\n\r\n`,
  'GET query token': `GET /metrics?token=${TOKEN}&access_token=${TOKEN} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  'GET query + good': `GET /metrics?x=1 HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'HTTP/1.0 good': `GET /metrics HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
  'HTTP/1.0 none': `GET /metrics HTTP/1.0\r\n\r\n`,
  'HTTP/0.9': `GET /metrics\r\n\r\n`,
  'absolute-form good': `GET http://127.0.0.1:${url.port}/metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'absolute-form none': `GET http://127.0.0.1:${url.port}/metrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '//metrics': `GET //metrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '/metrics/../metrics': `GET /metrics/../metrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '/metrics/': `GET /metrics/ HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '/%6detrics': `GET /%6detrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '/METRICS': `GET /METRICS HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  '* OPTIONS': `OPTIONS * HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  'huge header 15k': `GET /metrics HTTP/1.1\r\n${host}X-A: ${'a'.repeat(15000)}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
  'huge header 70k': `GET /metrics HTTP/1.1\r\n${host}X-A: ${'a'.repeat(70000)}\r\nConnection: close\r\n\r\n`,
  'huge auth 5k': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${'a'.repeat(5000)}\r\nConnection: close\r\n\r\n`,
  'accept openmetrics': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nAccept: application/openmetrics-text;version=1.0.0\r\nConnection: close\r\n\r\n`,
  'smuggle CL+TE': `GET /metrics HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\n${host}\r\n\r\n`,
  'pipelined good then none': `GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\n\r\nGET /metrics HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
};
for (const m of ['OPTIONS', 'TRACE', 'POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND', 'CONNECT', 'HEAD', 'get', 'QUERY']) {
  cases['method ' + m + ' good'] = `${m} ${m === 'CONNECT' ? '127.0.0.1:' + url.port : '/metrics'} HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`;
}
for (const [n, req] of Object.entries(cases)) {
  const r = await raw(req);
  const all = r.split(/(?=HTTP\/1\.[01] )/).map(status).join(' || ');
  console.log(n.padEnd(28), all.slice(0, 200), r.includes(TOKEN) ? ' !!TOKEN ECHOED!!' : '');
}
// slowloris: 300 connections that trickle headers; a good scrape must still answer quickly
const slow = [];
for (let i = 0; i < 300; i++) slow.push(raw('', { timeout: 20000, slow: (s) => { s.write('GET /metrics HTTP/1.1\r\n'); const t = setInterval(() => { try { s.write('X-a: b\r\n'); } catch {} }, 1000); s.on('close', () => clearInterval(t)); } }));
await new Promise((r) => setTimeout(r, 500));
let t = Date.now();
let r = await fetch(h.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
console.log('scrape during slowloris', r.status, Date.now() - t, 'ms');
// slow reader: request but never read
const nonReaders = [];
for (let i = 0; i < 50; i++) { const s = net.connect(+url.port, '127.0.0.1', () => { s.pause(); s.write(`GET /metrics HTTP/1.1\r\n${host}Authorization: Bearer ${TOKEN}\r\n\r\n`); }); nonReaders.push(s); }
await new Promise((r) => setTimeout(r, 300));
t = Date.now();
r = await fetch(h.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
console.log('scrape with 50 non-readers', r.status, Date.now() - t, 'ms');
for (const s of nonReaders) s.destroy();
// storm
t = Date.now();
const rs = await Promise.all(Array.from({ length: 200 }, () => fetch(h.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } }).then((x) => x.status)));
console.log('storm 200', [...new Set(rs)], Date.now() - t, 'ms');
// app's observable gauge on the global meter that never settles
const meter = metrics.getMeter('app');
const g = meter.createObservableGauge('app_hang');
let hang = true;
g.addCallback(() => (hang ? new Promise(() => {}) : undefined));
t = Date.now();
const res = await Promise.race([fetch(h.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } }).then((x) => x.status), new Promise((r) => setTimeout(r, 45000, 'HANG'))]);
console.log('scrape with hung app callback', res, Date.now() - t, 'ms');
hang = false;
t = Date.now();
const res2 = await Promise.race([fetch(h.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } }).then((x) => x.status), new Promise((r) => setTimeout(r, 45000, 'HANG'))]);
console.log('next scrape after callback fixed', res2, Date.now() - t, 'ms');
process.exit(0);
