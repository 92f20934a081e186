// The one telemetry setup of the example authorization server: src/main.mjs and the benchmarks'
// server (bench/lib/auth-server.mjs) both start oauth-otel through this, so the benchmarks measure
// exactly what the example runs. oauth-otel is imported only when this is called (the benchmarks'
// `plain` mode never loads it).
//
// Env: METRICS_HOST; METRICS_TOKEN (16+ characters: scrapes of /metrics must send it as a bearer
// token; without it /metrics is open only when bound to loopback, for local development); OTLP/HTTP logs when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set (else JSON lines on stdout only), the standard OTEL_* and
// LOG_LEVEL; RACE_WINDOW_MS (refresh-token race window of the adapter, default 2000).
// Traces when OTEL_TRACES_EXPORTER is set (otlp|console; OTEL_EXPORTER_OTLP_* as usual): the HTTP
// server instrumentation opens one server span per request, continuing the client's W3C trace
// context, and the adapter adds the OAuth events to that span (it opens none of its own).

import { createRequire } from 'node:module';

const set = (v) => v !== undefined && v.trim() !== '';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The token when the environment gives one (compose does); otherwise an explicit opt-in, only
 * while /metrics listens on loopback (local development): any other interface without a token
 * stays closed (403), as oauth-otel's default.
 */
function metricsAccess(env) {
  if (set(env.METRICS_TOKEN)) return { token: env.METRICS_TOKEN };
  const host = set(env.METRICS_HOST) ? env.METRICS_HOST.trim() : set(env.OTEL_EXPORTER_PROMETHEUS_HOST) ? env.OTEL_EXPORTER_PROMETHEUS_HOST.trim() : '127.0.0.1';
  return LOOPBACK.has(host) ? { allowUnauthenticated: true } : {};
}

/**
 * initTelemetry() with the example's options and, unless `adapter` is false, the oidc-provider
 * instrumentation. Returns `{ telemetry, instrument(provider), shutdown() }`: call instrument()
 * from createAuthServer's `onProvider`, shutdown() when the process stops (bounded, 5 s).
 */
/** Tracing is on when OTEL_TRACES_EXPORTER names an exporter (as initTelemetry() reads it). */
const tracingWanted = (env) => set(env.OTEL_TRACES_EXPORTER) && env.OTEL_TRACES_EXPORTER.trim() !== 'none' && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';

/**
 * What a user adds for server spans: @opentelemetry/instrumentation-http, registered after
 * initTelemetry() registered the TracerProvider (an instrumentation loaded as ESM holds the ESM
 * copy of the API, whose own proxy provider never gets a delegate if it asks before) and before
 * the first request. It patches http.Server.prototype when `http` is next required, so require it
 * once here: servers created from an earlier `import 'node:http'` share that prototype.
 * /metrics scrapes get no span (they are not OAuth traffic).
 */
async function instrumentHttp() {
  const [{ createNoopMeter }, { registerInstrumentations }, { HttpInstrumentation }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
  ]);
  const unregister = registerInstrumentations({
    instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => (req.url ?? '').split('?')[0] === '/metrics' })],
    // Spans only: its http.server.request.duration histogram would otherwise join the OAuth
    // metrics on /metrics (the global MeterProvider is oauth-otel's), an open-ended family there.
    meterProvider: { getMeter: () => createNoopMeter() },
  });
  createRequire(import.meta.url)('node:http');
  return unregister;
}

export async function startTelemetry({ env = process.env, metricsPort, adapter = true } = {}) {
  const { initTelemetry, dpopRejected } = await import('oauth-otel');
  const instrumentOidcProvider = adapter ? (await import('oauth-otel/oidc-provider')).instrumentOidcProvider : undefined;
  const telemetry = await initTelemetry({
    ...(set(env.OTEL_SERVICE_NAME) ? {} : { serviceName: 'auth-server' }),
    metrics: {
      ...(metricsPort !== undefined ? { port: metricsPort } : {}),
      ...(set(env.METRICS_HOST) ? { host: env.METRICS_HOST } : {}),
      ...metricsAccess(env),
    },
    logs: {
      // endpoint, protocol, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables
      otlp: set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) ? {} : false,
      // the process flushes on SIGINT/SIGTERM itself
      flushOnExit: false,
    },
  });
  const unregisterHttp = tracingWanted(env) ? await instrumentHttp() : undefined;
  let instrumentation;
  return {
    telemetry,
    /** AS metrics (oauth_server_*), security events and server_error records (redacted). */
    instrument(provider) {
      if (instrumentOidcProvider) instrumentation = instrumentOidcProvider(provider, set(env.RACE_WINDOW_MS) ? { raceWindowMs: Number(env.RACE_WINDOW_MS) } : {});
    },
    /** The protected resource's DPoP refusals (createAuthServer's onResourceDpopRejected). */
    onResourceDpopRejected(check, info) {
      dpopRejected({ side: 'resource_server', check, endpoint: 'resource', ...info });
    },
    async shutdown() {
      instrumentation?.detach();
      unregisterHttp?.();
      await telemetry.shutdown({ timeoutMillis: 5000 });
    },
  };
}
