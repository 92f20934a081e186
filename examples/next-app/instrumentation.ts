// Runs once when the Next.js server starts (nodejs runtime only).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { initTelemetry } = await import('oauth-otel');

  // The one line an app adds: Prometheus metrics (served by app/api/metrics/route.ts, so no own
  // HTTP server), redacted JSON logs on stdout + OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT), and the
  // traffic observer that records the OAuth steps of the app's outgoing fetches (lib/oauth.ts).
  const telemetry = await initTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME || 'next-app', metrics: { server: false } });

  // The example's own background jobs: scheduled refresh, PKCE state cleanup, gauge sources.
  const [{ startBackgroundJobs }, { store }] = await Promise.all([import('./lib/jobs'), import('./lib/store')]);
  store().telemetry = telemetry;
  startBackgroundJobs();
}
