import { createServer, type Server } from 'node:http';
import { metrics as metricsApi } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { Resource } from '@opentelemetry/resources';
import type { MetricsConfig } from '../init/config';
import { OAuthTelemetryConfigError } from '../errors';
import { noticeOnce } from '../internal/diag';
import { bindOAuthInstruments } from './bind';
import { createOAuthViews } from './views';
import { createOAuthMetricProducer } from './aggregate/producer';
import { metricsRequestListener, newSerializer, setMetricsEndpoint } from './handler';

export interface MetricsSide {
  meterProvider: MeterProvider;
  url: string | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The metrics side of initTelemetry(): a MeterProvider whose only reader is a pull-mode
 * Prometheus exporter (plus the OTLP push reader when OTEL_METRICS_EXPORTER asks for it), the OAuth instruments bound to it, and (unless `server: false`) a small
 * HTTP server for `/metrics` that is listening when this resolves.
 */
export async function startMetrics(cfg: MetricsConfig, resource: Resource, extraReaders: readonly MetricReader[] = []): Promise<MetricsSide> {
  // Listen first: a bad port must fail before anything process-wide (global provider, bound
  // instruments) is touched, so a corrected second call can still succeed.
  let server: Server | undefined;
  let url: string | undefined;
  if (cfg.server) {
    // Closed by default on every host: no token and no explicit opt-in means the handler refuses
    // every request (and says why once through diag), so a forgotten variable never opens it.
    const listener = metricsRequestListener(cfg.token ? { token: cfg.token } : { allowUnauthenticated: cfg.allowUnauthenticated });
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== cfg.endpoint) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      listener(req, res);
    });
    server.unref();
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', (err: NodeJS.ErrnoException) => {
        const option = process.env.OTEL_EXPORTER_PROMETHEUS_PORT ? 'metrics.port (or OTEL_EXPORTER_PROMETHEUS_PORT)' : 'metrics.port';
        if (err.code === 'EADDRINUSE') reject(new OAuthTelemetryConfigError(option, `a free port on ${cfg.host}, or metrics.server: false`, `${cfg.port} (already in use)`, { cause: err }));
        else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new OAuthTelemetryConfigError('metrics.host', 'an address of this machine', cfg.host, { cause: err }));
        else if (err.code === 'EACCES') reject(new OAuthTelemetryConfigError(option, 'a port this process may bind (>= 1024 unless privileged)', String(cfg.port), { cause: err }));
        else reject(err);
      });
      s.listen(cfg.port, cfg.host, () => resolve());
    });
    const addr = s.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    url = `http://${host}:${port}${cfg.endpoint}`;
  }

  // The exporter never listens itself: our server (or the app's route) serves the exposition,
  // so host defaults, the bearer token and EADDRINUSE are handled in one place.
  // The OAuth histograms reach each reader through its own producer (pre-aggregated in the package);
  // extra readers (the OTLP push) bring theirs, created before the instruments are bound.
  const metricProducers = [createOAuthMetricProducer({ cardinalityLimit: cfg.cardinalityLimit })];
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: cfg.withoutTargetInfo, metricProducers });
  const meterProvider = new MeterProvider({ resource, readers: [exporter, ...extraReaders], views: createOAuthViews({ cardinalityLimit: cfg.cardinalityLimit }) });
  if (!metricsApi.setGlobalMeterProvider(meterProvider)) {
    noticeOnce('global-meter', 'a global MeterProvider was already registered; OAuth metrics use oauth-otel\'s own provider');
  }
  bindOAuthInstruments(meterProvider);
  setMetricsEndpoint({ exporter, serializer: newSerializer(cfg.withoutTargetInfo), withoutTargetInfo: cfg.withoutTargetInfo });

  return {
    meterProvider,
    url,
    forceFlush: () => meterProvider.forceFlush(),
    async shutdown() {
      setMetricsEndpoint(undefined);
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await meterProvider.shutdown();
    },
  };
}
