import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { METER_NAME, METRIC_DEFINITIONS } from '../catalog/metrics';

export interface OAuthViewOptions {
  /**
   * Series kept per OAuth instrument before the SDK folds new label sets into one
   * `otel_metric_overflow="true"` series. The OTel default is 2000.
   */
  cardinalityLimit?: number;
}

/**
 * Views for an SDK you run yourself: the seed's bucket boundaries in seconds for every OAuth
 * histogram (the SDK default buckets are millisecond-shaped) and a per-instrument cardinality
 * limit (the Prometheus exporter has no option for it). Pass them to `new NodeSDK({ views })`.
 */
export function createOAuthViews(options: OAuthViewOptions = {}): ViewOptions[] {
  const limit = options.cardinalityLimit ?? 2000;
  if (!Number.isInteger(limit) || limit < 2) {
    throw new TypeError(`oauth-otel: cardinalityLimit must be an integer >= 2, got ${String(limit)}`);
  }
  return METRIC_DEFINITIONS.map((d) => ({
    instrumentName: d.name,
    meterName: METER_NAME,
    aggregationCardinalityLimit: limit,
    ...(d.kind === 'histogram'
      ? { aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...(d.buckets ?? [])] } } }
      : {}),
  }));
}
