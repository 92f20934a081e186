#!/usr/bin/env node
// The example authorization server (examples/auth-server) as the benchmarks run it, in one of two
// modes that differ ONLY in telemetry:
//   BENCH_MODE=instrumented  exactly what examples/auth-server/src/main.mjs does, through the same
//                            startTelemetry() (examples/auth-server/src/telemetry.mjs): initTelemetry()
//                            (Prometheus /metrics server, logs to stdout, OTLP/HTTP when
//                            OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT is set) + instrumentOidcProvider()
//   BENCH_MODE=plain         the same createAuthServer() call, no oauth-otel loaded at all
//   BENCH_MODE=init-only     initTelemetry() as above, no adapter (diagnostics: the cost of the
//                            loaded SDKs alone, without any recording on the request path)
// Both add one static confidential client for the refresh_token benchmark (code + refresh grants).
// Env: PORT (required), METRICS_PORT (instrumented), the standard OTEL_* / LOG_LEVEL / NODE_ENV.
// With an IPC channel (fork), answers {type:'stats'} with CPU time, responses served, memory, store size and the
// package's drop counters, and {type:'stop'} by closing and flushing like main.mjs (5 s bound).
import { subscribe } from 'node:diagnostics_channel';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createAuthServer } from '../../examples/auth-server/src/index.mjs';
import { startTelemetry } from '../../examples/auth-server/src/telemetry.mjs';
import { REFRESH_CLIENT } from './clients.mjs';

const env = process.env;
const set = (v) => v !== undefined && v.trim() !== '';
const mode = ['plain', 'init-only'].includes(env.BENCH_MODE) ? env.BENCH_MODE : 'instrumented';

const started = mode === 'plain' ? undefined : await startTelemetry({ env, adapter: mode === 'instrumented', ...(set(env.METRICS_PORT) ? { metricsPort: Number(env.METRICS_PORT) } : {}) });
const telemetry = started?.telemetry;

// BENCH_TIME_LISTENERS=1: time inside every listener added to the provider from here on (the
// adapter's), per event name, measured in the real server (cold caches and all), not in a replay
// loop. Two clocks: wall (performance.now(), which also counts any preemption of this process on a
// shared core) and process CPU time (process.cpuUsage(), µs; an empty bracket read right after is
// subtracted, which removes the clock's own cost). Not process.threadCpuUsage(): Linux's
// RUSAGE_THREAD reads the scheduler's runtime as of its last update (a tick or a switch), so a
// bracket of a few µs mostly reads 0 or a whole tick; RUSAGE_SELF brings the running task up to date.
const listenerMs = {};
const listenerCpuUs = {};
function timeListeners(provider) {
  const on = provider.on;
  provider.on = function (event, listener) {
    listenerMs[event] ??= 0;
    listenerCpuUs[event] ??= 0;
    const timed = (a, b) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        listener(a, b);
      } finally {
        const t1 = performance.now();
        const c1 = process.cpuUsage();
        const c2 = process.cpuUsage();
        listenerMs[event] += t1 - t0;
        listenerCpuUs[event] += c1.user + c1.system - c0.user - c0.system - (c2.user + c2.system - c1.user - c1.system);
      }
    };
    return on.call(this, event, timed);
  };
}

const as = await createAuthServer({
  port: Number(env.PORT ?? 0),
  host: '127.0.0.1',
  clients: [
    {
      client_id: REFRESH_CLIENT.client_id,
      client_secret: REFRESH_CLIENT.client_secret,
      client_name: 'Refresh benchmark client',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REFRESH_CLIENT.redirect_uri],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  onProvider(provider) {
    if (env.BENCH_TIME_LISTENERS === '1') timeListeners(provider);
    started?.instrument(provider);
  },
});

// HTTP responses this process finished, read beside process.cpuUsage() in one stats answer: the
// interleaved benchmark divides a window's CPU by the requests served in the same window, both
// measured inside the server (same cost in every mode: one counter increment per response).
let served = 0;
subscribe('http.server.response.finish', () => {
  served++;
});

// GC time of this process (all modes, the same observer): a listener that allocates pays here too.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const drops = () => {
  const rt = globalThis[Symbol.for('oauth-otel.runtime.v1')];
  return rt ? Object.fromEntries([...rt.drops].map(([k, v]) => [k.replace('\u0001', ':'), v])) : {};
};

let stopping;
const stop = () =>
  (stopping ??= (async () => {
    await Promise.allSettled([as.close(), started?.shutdown()]);
  })());

if (process.send) {
  process.on('message', (m) => {
    if (m?.type === 'stats') {
      // {gc: true} with --expose-gc: live memory after a full collection (the memory soak)
      if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
      process.send({ type: 'stats', id: m.id, cpu: process.cpuUsage(), thread: process.threadCpuUsage(), served, gcMs, listenerMs, listenerCpuUs, mem: process.memoryUsage(), store: as.storeSize(), drops: drops(), uptime: process.uptime() });
    } else if (m?.type === 'stop') {
      void stop().then(() => {
        process.send({ type: 'stopped', drops: drops() }, () => process.exit(0));
      });
    }
  });
  process.send({ type: 'ready', mode, url: as.url, issuer: as.issuer, resource: as.resourceUrl, metrics: telemetry?.metricsUrl, pid: process.pid });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop().then(() => process.exit(0)));
