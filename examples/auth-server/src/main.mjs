#!/usr/bin/env node
// CLI: node examples/auth-server/src/main.mjs
// Env: PORT (default 4000), HOST (default 127.0.0.1), ISSUER (default http://HOST:PORT),
//      VARIANT (honest | no-s256 | no-pkce-metadata | wrong-iss | wrong-metadata-issuer),
//      ACCESS_TOKEN_FORMAT (jwt | opaque), TRUST_PROXY=1, LOG_EVENTS=1 (print every provider event),
//      CIMD_ORIGINS=https://app.example=http://127.0.0.1:3000[,…] (clientMetadataDocumentOrigins:
//      Client ID Metadata Documents of that https origin are fetched from the loopback origin).
// Telemetry (oauth-otel, instrumentOidcProvider):
//      METRICS_PORT (default OTEL_EXPORTER_PROMETHEUS_PORT, else 9464; 0 when PORT=0),
//      METRICS_HOST (default OTEL_EXPORTER_PROMETHEUS_HOST, else 127.0.0.1),
//      OTLP/HTTP logs when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set
//      (else JSON lines on stdout only), LOG_LEVEL, RACE_WINDOW_MS (refresh-token race window, 2000),
//      OTEL_TRACES_EXPORTER=otlp: HTTP server spans (instrumentation-http) joining the client's trace.
import { createAuthServer, PROVIDER_EVENTS } from './index.mjs';
import { startTelemetry } from './telemetry.mjs';

const env = process.env;
const set = (v) => v !== undefined && v.trim() !== '';

/** `from=to[,from=to]` → { from: to }; fails at start on anything else. */
function cimdOrigins(raw) {
  if (!set(raw)) return {};
  return Object.fromEntries(raw.split(',').map((pair) => {
    const i = pair.indexOf('=');
    const from = i > 0 ? new URL(pair.slice(0, i).trim()) : undefined;
    const to = i > 0 ? new URL(pair.slice(i + 1).trim()) : undefined;
    if (!from || !to || from.protocol !== 'https:') throw new Error('CIMD_ORIGINS must be https-origin=loopback-origin pairs, comma-separated');
    return [from.origin, to.origin];
  }));
}

const metricsPort = set(env.METRICS_PORT)
  ? Number(env.METRICS_PORT)
  : set(env.OTEL_EXPORTER_PROMETHEUS_PORT) ? undefined : env.PORT === '0' ? 0 : 9464;
const { telemetry, instrument, onResourceDpopRejected, shutdown } = await startTelemetry({ env, metricsPort });

const as = await createAuthServer({
  port: env.PORT === undefined ? 4000 : Number(env.PORT),
  host: env.HOST || '127.0.0.1',
  issuer: env.ISSUER || undefined,
  variant: env.VARIANT || 'honest',
  accessTokenFormat: env.ACCESS_TOKEN_FORMAT || 'jwt',
  proxy: env.TRUST_PROXY === '1',
  clientMetadataDocumentOrigins: cimdOrigins(env.CIMD_ORIGINS),
  onResourceDpopRejected,
  onProvider(provider) {
    instrument(provider);
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
    Promise.allSettled([as.close(), shutdown()]).then(() => process.exit(0));
  });
}
