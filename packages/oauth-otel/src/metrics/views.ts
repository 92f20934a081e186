import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { METER_NAME, METRIC_DEFINITIONS } from '../catalog/metrics';
import { OAuthTelemetryConfigError } from '../errors';
import { describe } from '../internal/validate';

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
  const limit = cardinalityLimitOf(options.cardinalityLimit);
  return METRIC_DEFINITIONS.map((d) => ({
    instrumentName: d.name,
    meterName: METER_NAME,
    aggregationCardinalityLimit: limit,
    ...(d.kind === 'histogram'
      ? { aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...(d.buckets ?? [])] } } }
      : {}),
  }));
}

/** The validated limit. Only an absent limit takes the default: null or any other value is a configuration error. */
export function cardinalityLimitOf(value: unknown): number {
  const limit = value === undefined ? 2000 : value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 2) {
    throw new OAuthTelemetryConfigError('cardinalityLimit', 'an integer >= 2', describe(limit));
  }
  return limit;
}
