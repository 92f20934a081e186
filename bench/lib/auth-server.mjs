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
import { createAuthServer } from '../../examples/auth-server/src/index.mjs';
import { startTelemetry } from '../../examples/auth-server/src/telemetry.mjs';
import { REFRESH_CLIENT } from './clients.mjs';

const env = process.env;
const set = (v) => v !== undefined && v.trim() !== '';
const mode = ['plain', 'init-only'].includes(env.BENCH_MODE) ? env.BENCH_MODE : 'instrumented';

const started = mode === 'plain' ? undefined : await startTelemetry({ env, adapter: mode === 'instrumented', ...(set(env.METRICS_PORT) ? { metricsPort: Number(env.METRICS_PORT) } : {}) });
const telemetry = started?.telemetry;

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
      process.send({ type: 'stats', id: m.id, cpu: process.cpuUsage(), served, mem: process.memoryUsage(), store: as.storeSize(), drops: drops(), uptime: process.uptime() });
    } else if (m?.type === 'stop') {
      void stop().then(() => {
        process.send({ type: 'stopped', drops: drops() }, () => process.exit(0));
      });
    }
  });
  process.send({ type: 'ready', mode, url: as.url, issuer: as.issuer, resource: as.resourceUrl, metrics: telemetry?.metricsUrl, pid: process.pid });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop().then(() => process.exit(0)));
