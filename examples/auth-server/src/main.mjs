#!/usr/bin/env node
// CLI: node examples/auth-server/src/main.mjs
// Env: PORT (default 4000), HOST (default 127.0.0.1), ISSUER (default http://HOST:PORT),
//      VARIANT (honest | no-s256 | no-pkce-metadata | wrong-iss | wrong-metadata-issuer),
//      ACCESS_TOKEN_FORMAT (jwt | opaque), TRUST_PROXY=1, LOG_EVENTS=1 (print every provider event).
// Telemetry (oauth-otel, instrumentOidcProvider):
//      METRICS_PORT (default OTEL_EXPORTER_PROMETHEUS_PORT, else 9464; 0 when PORT=0),
//      METRICS_HOST (default OTEL_EXPORTER_PROMETHEUS_HOST, else 127.0.0.1),
//      OTLP/HTTP logs when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set
//      (else JSON lines on stdout only), LOG_LEVEL, RACE_WINDOW_MS (refresh-token race window, 2000).
import { initTelemetry } from 'oauth-otel';
import { instrumentOidcProvider } from 'oauth-otel/oidc-provider';

import { createAuthServer, PROVIDER_EVENTS } from './index.mjs';

const env = process.env;
const set = (v) => v !== undefined && v.trim() !== '';

const metricsPort = set(env.METRICS_PORT)
  ? Number(env.METRICS_PORT)
  : set(env.OTEL_EXPORTER_PROMETHEUS_PORT) ? undefined : env.PORT === '0' ? 0 : 9464;
const telemetry = await initTelemetry({
  ...(set(env.OTEL_SERVICE_NAME) ? {} : { serviceName: 'auth-server' }),
  metrics: {
    ...(metricsPort !== undefined ? { port: metricsPort } : {}),
    ...(set(env.METRICS_HOST) ? { host: env.METRICS_HOST } : {}),
  },
  logs: {
    // endpoint, protocol, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables
    otlp: set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) ? {} : false,
    // this process flushes on SIGINT/SIGTERM itself (below)
    flushOnExit: false,
  },
});

let instrumentation;
const as = await createAuthServer({
  port: env.PORT === undefined ? 4000 : Number(env.PORT),
  host: env.HOST || '127.0.0.1',
  issuer: env.ISSUER || undefined,
  variant: env.VARIANT || 'honest',
  accessTokenFormat: env.ACCESS_TOKEN_FORMAT || 'jwt',
  proxy: env.TRUST_PROXY === '1',
  onProvider(provider) {
    // AS metrics (oauth_server_*), security events and server_error records (redacted).
    instrumentation = instrumentOidcProvider(provider, set(env.RACE_WINDOW_MS) ? { raceWindowMs: Number(env.RACE_WINDOW_MS) } : {});
    if (env.LOG_EVENTS === '1') {
      for (const name of PROVIDER_EVENTS) {
        provider.on(name, (...args) => {
          const err = args.find((a) => a instanceof Error);
          console.log(`event ${name}${err ? ` ${err.error}: ${err.error_description}${err.cause ? ` (cause: ${err.cause.message})` : ''}` : ''}`);
        });
      }
    }
  },
});

console.log(JSON.stringify({
  issuer: as.issuer,
  metadata: as.metadataUrl,
  resource: as.resourceUrl,
  resource_metadata: as.resourceMetadataUrl,
  variant: as.variant,
  listening: `${as.host}:${as.port}`,
  metrics: telemetry.metricsUrl,
}));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    instrumentation?.detach();
    Promise.allSettled([as.close(), telemetry.shutdown({ timeoutMillis: 5000 })]).then(() => process.exit(0));
  });
}
