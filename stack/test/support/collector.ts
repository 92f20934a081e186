/**
 * The OpenTelemetry Collector built from stack/collector/manifest.yaml, run with a config file (the
 * shipped otel-collector.yaml by default) on free 127.0.0.1 ports. The shipped config takes its
 * listen addresses from OTLP_GRPC_ENDPOINT / OTLP_HTTP_ENDPOINT and its own metrics address from
 * OTELCOL_METRICS_HOST / OTELCOL_METRICS_PORT and its health_check address from
 * OTELCOL_HEALTH_ENDPOINT; this helper sets all five, and waits for the health check's 200 (every
 * pipeline running).
 */
import { backendPath, SHIPPED_COLLECTOR_CONFIG } from './backends';
import { freePort, HOST, runCommand, spawnServer, type ServerProcess } from './process';

export interface Collector extends ServerProcess {
  /** Base URL of the OTLP/HTTP receiver; logs go to `${otlpHttpUrl}/v1/logs`. */
  otlpHttpUrl: string;
  /** host:port of the OTLP/gRPC receiver. */
  otlpGrpcEndpoint: string;
  /** The collector's own Prometheus metrics (otelcol_*). */
  metricsUrl: string;
  /** The health_check extension: 200 while the pipelines run. */
  healthUrl: string;
}

export interface StartCollectorOptions {
  /** Config file (default: the shipped otel-collector.yaml). */
  configPath?: string;
  /** Extra environment for the config's ${env:…} references (e.g. LOKI_OTLP_ENDPOINT). */
  env?: Record<string, string | undefined>;
  readyTimeoutMs?: number;
}

export async function startCollector({ configPath = SHIPPED_COLLECTOR_CONFIG, env = {}, readyTimeoutMs = 30_000 }: StartCollectorOptions = {}): Promise<Collector> {
  const [grpcPort, httpPort, metricsPort, healthPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const healthUrl = `http://${HOST}:${healthPort}/`;
  const otlpHttpUrl = `http://${HOST}:${httpPort}`;
  const proc = await spawnServer({
    name: 'otelcol',
    command: backendPath('collector'),
    args: [`--config=${configPath}`],
    env: {
      OTLP_GRPC_ENDPOINT: `${HOST}:${grpcPort}`,
      OTLP_HTTP_ENDPOINT: `${HOST}:${httpPort}`,
      OTELCOL_METRICS_HOST: HOST,
      OTELCOL_METRICS_PORT: String(metricsPort),
      OTELCOL_HEALTH_ENDPOINT: `${HOST}:${healthPort}`,
      ...env,
    },
    readyUrl: healthUrl,
    readyStatus: (s) => s === 200,
    readyTimeoutMs,
  });
  return Object.assign(proc, {
    otlpHttpUrl,
    otlpGrpcEndpoint: `${HOST}:${grpcPort}`,
    metricsUrl: `http://${HOST}:${metricsPort}/metrics`,
    healthUrl,
  });
}

/** `otelcol validate --config=…`: parses the config, builds every component, starts nothing. */
export async function validateCollectorConfig(
  configPath: string = SHIPPED_COLLECTOR_CONFIG,
  env: Record<string, string | undefined> = {},
): Promise<{ ok: boolean; output: string }> {
  const r = await runCommand(backendPath('collector'), ['validate', `--config=${configPath}`], { env });
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}
