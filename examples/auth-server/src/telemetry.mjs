// The one telemetry setup of the example authorization server: src/main.mjs and the benchmarks'
// server (bench/lib/auth-server.mjs) both start oauth-otel through this, so the benchmarks measure
// exactly what the example runs. oauth-otel is imported only when this is called (the benchmarks'
// `plain` mode never loads it).
//
// Env: METRICS_HOST; METRICS_TOKEN (16+ characters: scrapes of /metrics must send it as a bearer
// token; without it /metrics is open only when bound to loopback, for local development); OTLP/HTTP logs when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set (else JSON lines on stdout only), the standard OTEL_* and
// LOG_LEVEL; RACE_WINDOW_MS (refresh-token race window of the adapter, default 2000).

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
      await telemetry.shutdown({ timeoutMillis: 5000 });
    },
  };
}
