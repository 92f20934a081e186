import { OTLPMetricExporterBase, type OTLPMetricExporterOptions } from '@opentelemetry/exporter-metrics-otlp-http';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base/node-http';
import { MetricsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { ExemplarMetricsSerializer } from './serializer';

/**
 * @opentelemetry/exporter-metrics-otlp-proto's OTLPMetricExporter, built the same way (same
 * environment variables, URL, headers, retries), with a serializer that keeps histogram exemplars.
 */
export class OTLPExemplarMetricExporter extends OTLPMetricExporterBase {
  constructor(config?: OTLPExporterNodeConfigBase & OTLPMetricExporterOptions) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config ?? {}, 'METRICS', 'v1/metrics', { 'Content-Type': 'application/x-protobuf' }),
        ExemplarMetricsSerializer,
        'otlp_http_metric_exporter',
        MetricsExporterMetricsHelper,
        undefined,
      ),
      config,
    );
  }
}
