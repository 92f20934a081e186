#!/usr/bin/env node
// The adapter's cost per token request with COLD caches, in-process: bench/as-replay.mjs's replay
// of oidc-provider's real event sequence (bench/fixtures/as-token-events.json), but every replayed
// request is preceded by a sweep over a large buffer (default 16 MB, one load per 64-byte line:
// evicts L1/L2, much of the VM's share of L3, and the TLB) and by a sweep over many distinct
// object shapes (evicts V8's megamorphic stub cache). That is the state each request meets in the
// example AS when three or four servers share one core (bench/e2e-token-endpoint.mjs): every other
// server's ~600 µs request runs in between, so the adapter's code and data come from memory.
// In the hot replay loop the adapter costs < 0.2 µs per request; the real server says 10–30 µs.
//
// Timed: only the emit of the request's events (hrtime around it, the sweep outside), rotating
// between plain, plain (A/A) and instrumented providers request by request, in blocks; reported
// per contender: the median over blocks of the trimmed mean ns per request (slowest 10 % of the
// block dropped: preemptions), and the median of the per-block deltas to plain.
//   npm run build && node bench/as-cold.mjs [--grants refresh_token] [--blocks 15] [--per-block 400]
//       [--sweep-mb 16] [--variant packages/oauth-otel/dist-before] [--only grant.success,refresh_token.consumed] [--hot] (no sweep: the hot replay, for comparison) [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Socket } from 'node:net';
import { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { ROOT, freePort } from './lib/e2e.mjs';

const argv = process.argv.slice(2);
const arg = (n, d) => (argv.includes(`--${n}`) ? argv[argv.indexOf(`--${n}`) + 1] : d);
const GRANTS = arg('grants', 'client_credentials,refresh_token').split(',');
const BLOCKS = Number(arg('blocks', 15));
const PER_BLOCK = Number(arg('per-block', 400));
const SWEEP_MB = argv.includes('--hot') ? 0 : Number(arg('sweep-mb', 16));
const JSON_OUT = arg('json', undefined);

const fixture = JSON.parse(readFileSync(join(ROOT, 'bench/fixtures/as-token-events.json'), 'utf8'));
const { default: Provider } = await import('oidc-provider');
const { default: als } = await import(pathToFileURL(join(ROOT, 'node_modules/oidc-provider/lib/helpers/als.js')).href);

process.env.LOG_LEVEL = 'info';
const { startTelemetry } = await import('../examples/auth-server/src/telemetry.mjs');
const started = await startTelemetry({ env: { LOG_LEVEL: 'info', OTEL_SERVICE_NAME: 'as-cold' }, metricsPort: await freePort() });

const ISSUER = 'http://127.0.0.1:4000';
const providers = { plain: new Provider(ISSUER, {}), plain2: new Provider(ISSUER, {}), instrumented: new Provider(ISSUER, {}) };
started.instrument(providers.instrumented);
// --variant DIR: a fourth contender instrumented by another build of the package's adapter (e.g. a
// copy of dist/ from before a change, inside packages/oauth-otel so it resolves the same deps):
// before/after in one process, under the same sweeps.
const VARIANT = arg('variant', undefined);
if (VARIANT === 'noop') {
  // the floor of any listener: an empty one on each event the adapter listens to
  providers.variant = new Provider(ISSUER, {});
  for (const e of providers.instrumented.eventNames()) providers.variant.on(e, () => {});
} else if (VARIANT) {
  providers.variant = new Provider(ISSUER, {});
  const { instrumentOidcProvider } = await import(pathToFileURL(join(VARIANT, 'adapters/oidc-provider/index.js')).href);
  instrumentOidcProvider(providers.variant, {});
}
// --only EVENT[,EVENT]: keep only the adapter's listeners of these events (a breakdown by event).
const ONLY = arg('only', undefined)?.split(',');
if (ONLY) for (const p of [providers.instrumented, providers.variant]) for (const e of p?.eventNames() ?? []) if (!ONLY.includes(e)) p.removeAllListeners(e);


// A real Koa ctx of the provider (provider.createContext over a Node IncomingMessage on a socket
// that knows its peer) with a real OIDCContext: ctx.ip, ctx.req.url and ctx.oidc.client run the
// same getters as in the example AS.
const JTIS = Array.from({ length: 8192 }, () => randomBytes(32).toString('base64url'));
const filler = (n) => 'x'.repeat(n);
function koaCtx(provider, { route, grantType, clientId, entities }) {
  const socket = new Socket();
  socket._peername = { address: '127.0.0.1', family: 'IPv4', port: 40000 };
  const req = new IncomingMessage(socket);
  req.url = '/token';
  req.method = 'POST';
  req.headers = { host: '127.0.0.1:4000', 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic eA==' };
  const res = new ServerResponse(req);
  const ctx = provider.createContext(req, res);
  ctx._matchedRouteName = route;
  const oidc = new provider.OIDCContext(ctx);
  oidc.params = { grant_type: grantType, client_assertion: undefined };
  for (const e of entities) oidc.entities[e] = e === 'Client' ? { clientId } : {};
  ctx.oidc = oidc;
  return ctx;
}
function buildRequest(provider, events, i) {
  let ctx;
  const steps = events.map(({ event, args }) => [event, args.map((a) => {
    if (a.type === 'model') {
      const m = { kind: a.kind };
      for (const [k, f] of Object.entries(a.fields)) m[k] = f.string !== undefined ? (k === 'jti' ? JTIS[i % JTIS.length] : k === 'kind' ? a.kind : filler(f.string)) : f.number ? 1 : true;
      return m;
    }
    if (a.type === 'ctx') return (ctx ??= koaCtx(provider, a));
    return undefined;
  })]);
  ctx ??= koaCtx(provider, { route: 'token', entities: [] });
  return { ctx, steps };
}

// The sweeps: a buffer read one line at a time, and a megamorphic load over many shapes.
const sweepBuf = new Int32Array((SWEEP_MB * 1024 * 1024) / 4);
for (let i = 0; i < sweepBuf.length; i += 16) sweepBuf[i] = i;
const shapes = Array.from({ length: 4096 }, (_, i) => ({ [`k${i}`]: i, v: i, [`z${i % 97}`]: 1 }));
let sink = 0;
function sweep() {
  if (SWEEP_MB === 0) return;
  let s = 0;
  for (let i = 0; i < sweepBuf.length; i += 16) s += sweepBuf[i];
  for (let i = 0; i < shapes.length; i++) s += shapes[i].v;
  sink += s;
}

const run = (provider, r) => als.run(r.ctx, () => {
  for (const [name, args] of r.steps) provider.emit(name, ...args);
});

const names = Object.keys(providers);
const out = { load: os.loadavg(), sweepMb: SWEEP_MB, blocks: BLOCKS, perBlock: PER_BLOCK, grants: {} };
console.log(`# Adapter cost per token request, ${SWEEP_MB ? `cold (${SWEEP_MB} MB sweep + 4096 shapes before each request)` : 'hot (no sweep)'}, ${BLOCKS} blocks × ${PER_BLOCK} requests per contender, load ${os.loadavg()[0].toFixed(2)}\n`);
for (const grant of GRANTS) {
  const events = fixture.requests[grant];
  // A fresh request (Koa ctx, OIDCContext, models) every time, built outside the timed part: in
  // the AS every request is new, and Koa caches some answers (ctx.ip) on its request object.
  const counters = names.map(() => 0);
  const one = (k) => {
    const r = buildRequest(providers[names[k]], events, counters[k]++);
    sweep();
    const t0 = process.hrtime.bigint();
    run(providers[names[k]], r);
    return Number(process.hrtime.bigint() - t0);
  };
  // warm-up: the JIT tiers the adapter reaches in a server that ran a while (Maglev or TurboFan,
  // as perf shows in the example AS), hot, then cold
  for (let i = 0; i < 30_000; i++) run(providers[names[i % names.length]], buildRequest(providers[names[i % names.length]], events, i));
  for (let i = 0; i < 1500; i++) one(i % names.length);
  const perBlock = names.map(() => []);
  for (let b = 0; b < BLOCKS; b++) {
    const times = names.map(() => []);
    for (let i = 0; i < PER_BLOCK * names.length; i++) {
      // rotate the order every block (as the e2e does): every contender follows every other
      const k = (i + Math.floor(i / names.length) * (b % 2)) % names.length;
      times[k].push(one(k));
    }
    // Trimmed mean (the slowest 10 % dropped): wall time, so a preemption by another process
    // inside the bracket would otherwise land on whichever contender it hit.
    names.forEach((_, k) => {
      const t = times[k].sort((x, y) => x - y).slice(0, Math.floor(times[k].length * 0.9));
      perBlock[k].push(t.reduce((s, x) => s + x, 0) / t.length);
    });
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  const diffs = (k) => perBlock[k].map((v, b) => v - perBlock[0][b]);
  const r = {
    nsPerRequest: Object.fromEntries(names.map((n, k) => [n, med(perBlock[k])])),
    aaNs: med(diffs(1)),
    adapterNs: med(diffs(2)),
    aaRangeNs: [Math.min(...diffs(1)), Math.max(...diffs(1))],
    adapterRangeNs: [Math.min(...diffs(2)), Math.max(...diffs(2))],
    ...(VARIANT ? { variantNs: med(diffs(3)), variantRangeNs: [Math.min(...diffs(3)), Math.max(...diffs(3))], instrumentedMinusVariantNs: med(perBlock[2].map((v, b) => v - perBlock[3][b])) } : {}),
  };
  out.grants[grant] = r;
  const rng = (x) => x.map((v) => v.toFixed(0)).join('…');
  console.log(`${grant}: emit ns/req ${names.map((n) => `${n} ${r.nsPerRequest[n].toFixed(0)}`).join(', ')}; adapter ${r.adapterNs.toFixed(0)} ns [blocks ${rng(r.adapterRangeNs)}]${VARIANT ? `, variant ${r.variantNs.toFixed(0)} ns [${rng(r.variantRangeNs)}], adapter − variant ${r.instrumentedMinusVariantNs.toFixed(0)} ns` : ''}, A/A ${r.aaNs.toFixed(0)} ns [${rng(r.aaRangeNs)}]`);
}
out.loadEnd = os.loadavg();
console.log(`load at end ${os.loadavg()[0].toFixed(2)}${sink === 0.5 ? '' : ''}`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2) + '\n');
await started.shutdown();
process.exit(0);
