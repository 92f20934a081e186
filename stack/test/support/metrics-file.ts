/**
 * A real Collector that receives OTLP/HTTP metrics and writes them, as OTLP JSON lines, to a file
 * (its `file` exporter): what the Collector received, for the OTLP metrics tests to read back.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCollector, type Collector } from './collector';
import { makeScratchDir } from './process';

export type OtlpPoint = {
  attributes?: { key: string; value: Record<string, unknown> }[];
  asInt?: string;
  asDouble?: number;
  count?: string;
  sum?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  exemplars?: { traceId?: string; spanId?: string; asDouble?: number; timeUnixNano?: string }[];
};
export type OtlpMetric = {
  name: string;
  sum?: { dataPoints: OtlpPoint[]; aggregationTemporality: number; isMonotonic?: boolean };
  histogram?: { dataPoints: OtlpPoint[]; aggregationTemporality: number };
};

export interface MetricsFileCollector {
  collector: Collector;
  /** Every metric the Collector has written so far, in arrival order. */
  received(): OtlpMetric[];
}

export async function startMetricsFileCollector(name: string): Promise<MetricsFileCollector> {
  const dir = makeScratchDir(name);
  const out = join(dir, 'metrics.jsonl');
  const config = join(dir, 'collector.yaml');
  writeFileSync(
    config,
    `receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:OTLP_HTTP_ENDPOINT}
extensions:
  health_check:
    endpoint: \${env:OTELCOL_HEALTH_ENDPOINT}
exporters:
  file:
    path: ${out}
    flush_interval: 100ms
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [file]
`,
  );
  const collector = await startCollector({ configPath: config });
  const received = (): OtlpMetric[] => {
    if (!existsSync(out)) return [];
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => (JSON.parse(line).resourceMetrics ?? []) as { scopeMetrics?: { metrics?: OtlpMetric[] }[] }[])
      .flatMap((rm) => rm.scopeMetrics ?? [])
      .flatMap((sm) => sm.metrics ?? []);
  };
  return { collector, received };
}

/** A data point's string attribute. */
export const label = (p: OtlpPoint, key: string): unknown => p.attributes?.find((a) => a.key === key)?.value.stringValue;
