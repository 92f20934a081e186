#!/usr/bin/env node
// Independent never-throw attack on the built package (issue 15): every public export and every
// method of the objects they return, called with hostile values (all-traps Proxies throwing poison,
// revoked Proxies, throwing getters/toPrimitive, detached buffers, 2^32-1 sparse arrays, 1e5-deep
// nesting, 10 MB strings, never-settling promises, throwing thenables, ...). Prints throws,
// rejections not from the operation, slow calls and unhandled rejections per function.
//
//   npm run build && node scripts/hostile/never-throw.mjs [name-filter | init | returned]
//
// Expected residue (by design): track*(non-function) rejects with the TypeError the call itself
// would raise; an operation resolving to an object whose `then` throws rejects (JS semantics);
// continueOAuthFlow rethrows its handler's own throw.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
const require = createRequire(import.meta.url);
const api = require('../../packages/oauth-otel/dist/index.js');
const adapter = require('../../packages/oauth-otel/dist/adapters/oidc-provider/index.js');
const filter = process.argv[2];

const stats = {}; // fn -> {calls, throws, badRejects, hangs, samples}
const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(safeDesc(e)));
process.on('uncaughtException', (e) => unhandled.push('uncaught ' + safeDesc(e)));
function safeDesc(e) { try { return typeof e === 'object' && e ? String(e?.stack ?? e).slice(0, 300) : typeof e; } catch { return 'undescribable'; } }

// ---------- hostile values ----------
function throwingProxyError() { // a thrown value that throws on any inspection
  return new Proxy(function () {}, allThrow());
}
function allThrow() {
  const h = {};
  for (const t of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'setPrototypeOf', 'defineProperty', 'deleteProperty', 'isExtensible', 'preventExtensions', 'apply', 'construct']) {
    h[t] = () => { throw throwingProxyError(); };
  }
  return h;
}
const revoked = (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })();
const revokedFn = (() => { const r = Proxy.revocable(function () {}, {}); r.revoke(); return r.proxy; })();
const trapAll = new Proxy({}, allThrow());
const trapAllFn = new Proxy(function () {}, allThrow());
const throwPrim = { [Symbol.toPrimitive]() { throw throwingProxyError(); }, toString() { throw throwingProxyError(); }, valueOf() { throw throwingProxyError(); }, toJSON() { throw throwingProxyError(); } };
const detached = (() => { const b = new ArrayBuffer(8); structuredClone(b, { transfer: [b] }); return b; })();
const detachedView = (() => { const b = new ArrayBuffer(8); const v = new Uint8Array(b); structuredClone(b, { transfer: [b] }); return v; })();
const sparse = (() => { const a = []; a.length = 2 ** 32 - 1; a[2 ** 32 - 2] = 'x'; return a; })();
const huge = 'a'.repeat(10 * 1024 * 1024);
const hugeSecretish = 'access_token=' + 'A'.repeat(10 * 1024 * 1024);
const lone = '\uD800x\uDC00' + 'https://\uD800.example/' ;
const deep = (() => { let o = {}; for (let i = 0; i < 1e5; i++) o = { a: o }; return o; })();
const deepArr = (() => { let o = []; for (let i = 0; i < 1e5; i++) o = [o]; return o; })();
const cyclic = (() => { const o = { provider: 'x' }; o.self = o; o.arr = [o]; return o; })();
const fnThrowName = (() => { const f = () => 1; Object.defineProperty(f, 'name', { get() { throw throwingProxyError(); } }); return f; })();
const never = new Promise(() => {});
const rejectsHostile = () => { const p = Promise.reject(throwingProxyError()); p.catch(() => {}); return p; };
const thenableThrow = { get then() { throw throwingProxyError(); } };
const thenableThrow2 = { then() { throw throwingProxyError(); } };
const frozen = Object.freeze({ provider: 'x', reason: 'normal' });
const nullProto = Object.assign(Object.create(null), { provider: 'x', error: 'invalid_grant' });
const errHostile = (() => { const e = new Error('x'); for (const k of ['name', 'message', 'code', 'cause', 'stack', 'status', 'error', 'response', 'constructor']) Object.defineProperty(e, k, { get() { throw throwingProxyError(); } }); return e; })();
const errProtoProxy = Object.create(new Proxy({}, allThrow())); // getPrototypeOf chain throws on property read
const bigMap = (() => { const m = new Map(); for (let i = 0; i < 1e5; i++) m.set('k' + i, i); return m; })();
const manyKeys = (() => { const o = {}; for (let i = 0; i < 2e5; i++) o['k' + i] = i; return o; })();

function getterObj(keys) { // an object whose named keys throw hostile values
  const o = {};
  for (const k of keys) Object.defineProperty(o, k, { enumerable: true, get() { throw throwingProxyError(); } });
  return o;
}
function valueObj(keys, v) { const o = {}; for (const k of keys) o[k] = v; return o; }

const BASE = [undefined, null, 0, -0, NaN, Infinity, -Infinity, 1n, Symbol('s'), true, '', ' ', 'x', lone, huge, hugeSecretish,
  revoked, revokedFn, trapAll, trapAllFn, throwPrim, detached, detachedView, sparse, deep, deepArr, cyclic, fnThrowName,
  never, thenableThrow, thenableThrow2, frozen, nullProto, errHostile, errProtoProxy, bigMap, manyKeys, new Date(NaN), /x/g, new WeakMap(), Object.seal({ a: 1 })];
const BASE_NAMES = ['undefined', 'null', '0', '-0', 'NaN', 'Inf', '-Inf', '1n', 'symbol', 'true', 'empty', 'space', 'x', 'lone', 'huge10MB', 'hugeSecret', 'revoked', 'revokedFn', 'trapAll', 'trapAllFn', 'throwPrim', 'detached', 'detachedView', 'sparse', 'deep', 'deepArr', 'cyclic', 'fnThrowName', 'never', 'thenableThrow', 'thenableThrow2', 'frozen', 'nullProto', 'errHostile', 'errProtoProxy', 'bigMap', 'manyKeys', 'badDate', 'regex', 'weakmap', 'sealed'];

// discover which keys a function reads from an options-like argument
function recordKeys(fn, argc) {
  const seen = new Set();
  const rec = () => new Proxy({}, { get(_t, k) { if (typeof k === 'string') seen.add(k); return undefined; }, has(_t, k) { if (typeof k === 'string') seen.add(k); return false; } });
  for (let i = 0; i < Math.max(argc, 3); i++) {
    const args = Array.from({ length: Math.max(argc, 3) }, (_, j) => (j === i ? rec() : undefined));
    try { const r = fn(...args); if (r && typeof r.then === 'function') r.then(() => {}, () => {}); } catch {}
  }
  return [...seen].filter((k) => k !== 'then' && k !== 'constructor');
}

function isCfgErr(e) { try { return e instanceof api.OAuthTelemetryConfigError; } catch { return false; } }
const CONFIG = new Set(['initTelemetry', 'bindOAuthInstruments', 'createOAuthViews', 'createOAuthMetricProducer', 'createMetricsHandler', 'metricsRequestListener', 'createLogger', 'createOAuthLogRecordProcessors', 'bridgeLegacyLogsApi', 'setOAuthEventLogger', 'enableOAuthEventLogs', 'createRedactor', 'fingerprintSecret', 'instrumentOidcProvider']);
const CLASSES = new Set(['OAuthTelemetryConfigError', 'RedactingLogRecordProcessor', 'BoundedBatchLogRecordProcessor', 'RedactingSpanProcessor']);
const WRAPPERS = new Set(['trackTokenRefresh', 'trackDiscovery', 'trackClientRegistration', 'trackScheduledRefresh', 'trackCodeExchange', 'trackRevocation']);

function st(name) { return (stats[name] ??= { calls: 0, throws: 0, badRejects: 0, slow: 0, samples: [] }); }
function note(s, kind, label, e) { s[kind]++; if (s.samples.length < 4) s.samples.push(`${kind} [${label}] ${safeDesc(e).split('\n')[0]}`); }

let baselineMs;
{ const t = process.hrtime.bigint(); JSON.stringify(hugeSecretish); JSON.stringify(huge); baselineMs = Number(process.hrtime.bigint() - t) / 1e6; }
const SLOW_MS = Math.max(200, baselineMs * 20);

const pendingChecks = [];
function callOne(name, fn, args, label, allowCfg, thisArg) {
  const s = st(name);
  s.calls++;
  const t0 = process.hrtime.bigint();
  let r;
  try {
    r = fn.apply(thisArg, args);
  } catch (e) {
    if (!(allowCfg && isCfgErr(e))) note(s, 'throws', label, e);
    return;
  } finally {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > SLOW_MS) note(s, 'slow', `${label} ${ms.toFixed(0)}ms`, '');
    if (ms > (s.max ?? 0)) { s.max = ms; s.maxLabel = label; }
  }
  if (r && (typeof r === 'object' || typeof r === 'function')) {
    let isP = false;
    try { isP = r instanceof Promise; } catch {}
    if (isP) pendingChecks.push(r.then(() => {}, (e) => { if (!(allowCfg && isCfgErr(e))) note(s, 'badRejects', label, e); }));
  }
  return r;
}

function argsFor(arity, keys) {
  // each hostile value in each position, plus options objects with hostile values for known keys
  const out = [];
  const n = Math.max(arity, 2);
  const objs = [getterObj(keys), ...BASE.map((v) => valueObj(keys, v))];
  const objNames = ['getters', ...BASE_NAMES.map((b) => 'keys=' + b)];
  for (let pos = 0; pos < n + 1; pos++) {
    BASE.forEach((v, i) => out.push([Array.from({ length: n + 1 }, (_, j) => (j === pos ? v : undefined)), `arg${pos}=${BASE_NAMES[i]}`]));
    objs.forEach((v, i) => out.push([Array.from({ length: n + 1 }, (_, j) => (j === pos ? v : undefined)), `arg${pos}=${objNames[i]}`]));
  }
  // all positions hostile at once
  out.push([[trapAll, trapAll, trapAll, trapAll], 'all=trapAll']);
  out.push([[getterObj(keys), getterObj(keys), getterObj(keys)], 'all=getters']);
  out.push([['x', getterObj(keys), getterObj(keys)], 'x,getters']);
  return out;
}

const handle = await api.initTelemetry({ metrics: { port: 0, server: false }, logs: { stdout: false } }).catch((e) => { console.error('init failed', safeDesc(e)); return api.initTelemetry({ metrics: { port: 0, server: false }, logs: false }); });

const surfaces = [...Object.entries(api), ...Object.entries(adapter).map(([k, v]) => ['adapter.' + k, v])].filter(([n, v]) => typeof v === 'function' && !CLASSES.has(n));
for (const [n, v] of Object.entries(api.oauth)) if (typeof v === 'function') surfaces.push(['oauth.' + n, v]);

async function wrapperChecks(name, fn) {
  // a wrapper settles with exactly the operation's outcome, whatever the options or the error look like
  const s = st(name + '#outcome');
  const keys = recordKeys(fn, 3);
  const optsList = [undefined, trapAll, revoked, getterObj(keys), getterObj(['provider', 'flowId', 'reason', 'method']), throwPrim, cyclic, huge, 1n, Symbol('x'), valueObj(keys, trapAll), valueObj(keys, huge)];
  const bare = name.replace('oauth.', '');
  const methodArgs = bare === 'trackDiscovery' ? ['oidc', trapAll, revoked, huge, undefined] : [undefined];
  const results = [{ ok: 1 }, trapAll, revoked, thenableThrow, errHostile, undefined, { refreshed: trapAll, failed: 1n }, getterObj(['refreshed', 'failed', 'expiringSoon']), Object.create(null), { refreshed: NaN, failed: -0 }];
  const errors = [errHostile, trapAll, revoked, throwingProxyError(), new Error('plain'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), undefined, null, 1n, Symbol('e'), errProtoProxy, Object.create(null)];
  const run = async (label, args, expect) => {
    s.calls++;
    let p;
    try { p = fn(...args); } catch (e) { note(s, 'throws', label, e); return; }
    const timer = new Promise((r) => setTimeout(() => r('TIMEOUT'), 3000));
    let outcome;
    try { const v = await Promise.race([p, timer]); outcome = v === 'TIMEOUT' ? { hang: true } : { value: v }; } catch (e) { outcome = { error: e }; }
    if (outcome.hang) { if (!expect.hang) note(s, 'slow', label + ' (hang)', ''); return; }
    if (expect.hang) { note(s, 'badRejects', label + ' settled but op never settles', ''); return; }
    if ('value' in expect) {
      if (!('value' in outcome) || outcome.value !== expect.value) note(s, 'badRejects', label + ' lost the op result', outcome.error);
    } else if (!('error' in outcome) || outcome.error !== expect.error) note(s, 'badRejects', label + ' wrong rejection', outcome.error);
  };
  const ps = [];
  for (const m of methodArgs) {
    for (const [oi, o] of optsList.entries()) {
      for (const [ri, res] of results.entries()) {
        const op = async () => res; // async fn returns res; if res is thenable it gets adopted; skip thenables for identity
        const build = (opf) => (bare === 'trackDiscovery' ? [m, opf, o] : [opf, o]);
        if (res === thenableThrow) {
          // an op returning a thenable-throw: the op's promise itself rejects with the thrown value; wrapper should reject with same
          continue;
        }
        ps.push(run(`opts#${oi} res#${ri} m=${String(typeof m === 'string' ? m : typeof m)}`, build(op), { value: res }));
        // sync op returning value (non-promise) too
        ps.push(run(`syncop opts#${oi} res#${ri}`, build(() => res), { value: res }));
      }
      for (const [ei, err] of errors.entries()) {
        ps.push(run(`opts#${oi} err#${ei}`, build0(name, m, o, async () => { throw err; }), { error: err }));
        ps.push(run(`syncthrow opts#${oi} err#${ei}`, build0(name, m, o, () => { throw err; }), { error: err }));
      }
      ps.push(run(`opts#${oi} never`, build0(name, m, o, () => never), { hang: true }));
      
    }
  }
  await Promise.all(ps);
}
function build0(name, m, o, opf) { return name.replace('oauth.', '') === 'trackDiscovery' ? [m, opf, o] : [opf, o]; }

// returned objects: exercise their methods
async function exerciseReturned(name, r) {
  if (r === undefined || r === null) return;
  if (typeof r === 'function') {
    const keys = recordKeys(r, 2);
    for (const [args, label] of argsFor(2, keys)) callOne(name + '()', r, args, label, false);
  }
  if (typeof r === 'object') {
    let entries = [];
    try { const proto = Object.getPrototypeOf(r); entries = [...new Set([...Object.keys(r), ...(proto && proto !== Object.prototype ? Object.getOwnPropertyNames(proto) : [])])]; } catch {}
    for (const k of entries) {
      if (k === 'constructor' || k === 'shutdown' || k === 'detach' || k === 'close' || k === 'end' || k === 'destroy') continue;
      let m; try { m = r[k]; } catch { continue; }
      if (typeof m !== 'function') continue;
      const keys = recordKeys(m.bind(r), 2);
      for (const [args, label] of argsFor(2, keys)) callOne(`${name}.${k}`, m, args, label, false, r);
    }
  }
}

for (const [name, fn] of surfaces) {
  if (filter && !name.includes(filter)) continue;
  if (name === 'initTelemetry') continue; // one at a time below
  const isCfg = CONFIG.has(name) || CONFIG.has(name.replace('adapter.', ''));
  const keys = recordKeys(fn, fn.length);
  const t = Date.now();
  for (const [args, label] of argsFor(fn.length, keys)) {
    if (name.endsWith('continueOAuthFlow')) { callOne(name, fn, [args[0], () => 1], label, false); callOne(name, fn, [args[0], args[1]], label, false); continue; }
    callOne(name, fn, args, label, isCfg);
  }
  if (WRAPPERS.has(name.replace('oauth.', ''))) await wrapperChecks(name, fn);
  if (Date.now() - t > 2000) console.error(`  ${name} took ${Date.now() - t} ms`);
}

if (!filter || filter === 'init') {
  const keys = ['serviceName', 'serviceVersion', 'environment', 'resourceAttributes', 'metrics', 'logs', 'traces', 'providers', 'fingerprintKey', 'observe'];
  for (const [args, label] of argsFor(1, keys)) {
    if (args[0] === undefined || label.includes('keys=undefined') || label === 'arg0=x' && false) continue; // would really start

    const r = callOne('initTelemetry', api.initTelemetry, args, label, true);
    if (r && typeof r.then === 'function') { try { const h2 = await Promise.race([r.catch(() => undefined), new Promise((res) => setTimeout(res, 3000, 'HANG'))]); if (h2 === 'HANG') note(st('initTelemetry'), 'slow', label + ' hang', ''); else if (h2) await h2.shutdown?.(); } catch {} }
  }
  for (const m of ['forceFlush', 'shutdown']) {
    for (const [args, label] of argsFor(1, ['timeoutMillis'])) {
      if (m === 'shutdown') continue;
      const r = callOne('handle.' + m, handle[m], args, label, false, handle);
      if (r && typeof r.then === 'function') { const v = await Promise.race([r.then(() => 'ok', () => 'rej'), new Promise((res) => setTimeout(res, 12000, 'HANG'))]); if (v === 'HANG') note(st('handle.' + m), 'slow', label + ' hang', ''); }
    }
  }
  if (handle.logger) await exerciseReturned('handle.logger', handle.logger);
}
// returned objects
if (!filter || filter === 'returned') {
  const lg = api.createLogger({});
  await exerciseReturned('logger', lg);
  const red = api.createRedactor({});
  await exerciseReturned('redactor', red);
  await exerciseReturned('oauthTraceHeaders', api.oauthTraceHeaders());
  // handlers with hostile requests
  const h = api.createMetricsHandler({ token: 'x'.repeat(32) });
  const hostileReqs = [trapAll, revoked, getterObj(['method', 'headers', 'url']), { method: trapAll, headers: trapAll }, { method: 'GET', headers: { get() { throw throwingProxyError(); } } }, { method: throwPrim, headers: new Headers() }];
  for (const [i, rq] of hostileReqs.entries()) callOne('metricsHandler()', h, [rq], 'req#' + i, false);
  const l = api.metricsRequestListener({ token: 'x'.repeat(32) });
  const hostileRes = [trapAll, revoked, getterObj(['writeHead', 'end', 'setHeader']), { writeHead() { throw throwingProxyError(); }, end() { throw throwingProxyError(); } }];
  for (const [i, rq] of hostileReqs.entries()) for (const [j, rs] of hostileRes.entries()) callOne('metricsListener()', l, [rq, rs], `req#${i} res#${j}`, false);
  // oidc-provider adapter: a fake provider, then emit hostile args on every event it listens to
  const em = new EventEmitter();
  const provider = { on: (e, f) => (em.on(e, f), provider), off: (e, f) => (em.off(e, f), provider), removeListener: (e, f) => (em.off(e, f), provider), issuer: 'https://as.example' };
  let inst;
  try { inst = adapter.instrumentOidcProvider(provider, {}); } catch (e) { console.error('instrument failed', safeDesc(e)); }
  const events = em.eventNames();
  for (const ev of events) {
    for (const [args, label] of argsFor(2, ['oidc', 'params', 'client', 'request', 'response', 'status', 'body', 'name', 'error', 'entities', 'kind', 'jti', 'grantId', 'clientId', 'accountId', 'consumed', 'gty', 'iat', 'exp', 'headers', 'method', 'url', 'path', 'route', 'query'])) {
      const s = st('adapter.on:' + String(ev));
      s.calls++;
      try { for (const f of em.listeners(ev)) f(...args); } catch (e) { note(s, 'throws', label, e); }
    }
  }
  try { inst?.detach(); } catch (e) { note(st('adapter.detach'), 'throws', '', e); }
  // instrumentOidcProvider with hostile providers
  for (const [i, p] of [trapAll, revoked, getterObj(['on', 'off', 'issuer']), { on() { throw throwingProxyError(); }, off() {} }].entries()) {
    try { adapter.instrumentOidcProvider(p, {}); } catch (e) { if (!isCfgErr(e)) note(st('adapter.instrumentOidcProvider'), 'throws', 'provider#' + i, e); }
  }
  // gauge source hostile values
  for (const src of [() => trapAll, () => never, () => Promise.reject(throwingProxyError()), () => thenableThrow, () => 1n, () => { throw throwingProxyError(); }, trapAllFn, revokedFn]) {
    callOne('setGaugeSource', api.setGaugeSource, ['active_tokens', src], 'src', false);
  }
}

await Promise.race([Promise.all(pendingChecks), new Promise((r) => setTimeout(r, 10000))]);
await new Promise((r) => setTimeout(r, 200));
let tot = { calls: 0, throws: 0, badRejects: 0, slow: 0 };
for (const [n, s] of Object.entries(stats)) {
  for (const k of Object.keys(tot)) tot[k] += s[k];
  if (s.throws || s.badRejects || s.slow) console.log(n, JSON.stringify({ calls: s.calls, throws: s.throws, badRejects: s.badRejects, slow: s.slow }), '\n   ' + s.samples.join('\n   '));
}
console.log('slowest:', Object.entries(stats).sort((a, b) => (b[1].max ?? 0) - (a[1].max ?? 0)).slice(0, 12).map(([n, s]) => `${n} ${s.max?.toFixed(1)}ms [${s.maxLabel}]`).join('\n  '));
console.log('TOTAL', JSON.stringify(tot), 'unhandled', unhandled.length, 'baselineMs', baselineMs.toFixed(1));
for (const u of unhandled.slice(0, 8)) console.log('  unhandled:', u.split('\n').slice(0, 3).join(' | '));
try { await Promise.race([handle.shutdown({ timeoutMillis: 1000 }), new Promise((r) => setTimeout(r, 2000))]); } catch {}
process.exit(0);
