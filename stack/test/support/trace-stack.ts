/**
 * The trace stack as the tests run it: Jaeger v2 (for Tempo) and VictoriaLogs (for Loki) behind the
 * shipped collector config, which forwards traces to Jaeger and logs to VictoriaLogs. Metrics go to
 * a closed port (the trace tests do not push metrics).
 */
import { SHIPPED_COLLECTOR_CONFIG } from './backends';
import { startCollector, type Collector } from './collector';
import { startJaeger, type Jaeger } from './jaeger';
import { HOST } from './process';
import { startVictoriaLogs, type VictoriaLogs } from './victorialogs';

export interface TraceStack {
  jaeger: Jaeger;
  vl: VictoriaLogs;
  collector: Collector;
  /** The collector's OTLP/HTTP traces and logs URLs, for initTelemetry(). */
  tracesUrl: string;
  logsUrl: string;
  stop(): Promise<void>;
}

export async function startTraceStack(): Promise<TraceStack> {
  const [jaeger, vl] = await Promise.all([startJaeger(), startVictoriaLogs()]);
  let collector: Collector;
  try {
    collector = await startCollector({
      configPath: SHIPPED_COLLECTOR_CONFIG,
      env: { LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl, TRACES_OTLP_ENDPOINT: jaeger.otlpTracesUrl, METRICS_OTLP_ENDPOINT: `http://${HOST}:9/v1/metrics` },
    });
  } catch (e) {
    await Promise.all([jaeger.stop(), vl.stop()]);
    throw e;
  }
  return {
    jaeger,
    vl,
    collector,
    tracesUrl: `${collector.otlpHttpUrl}/v1/traces`,
    logsUrl: `${collector.otlpHttpUrl}/v1/logs`,
    stop: async () => {
      await Promise.all([collector.stop(), jaeger.stop(), vl.stop()]);
    },
  };
}
