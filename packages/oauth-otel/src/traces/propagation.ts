import { context, propagation } from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`, `tracestate`, `baggage`) of the active span, as request headers:
 * pass them on the client's requests to the AS (oauth4webapi's `headers` option, a fetch init) so
 * the AS's server spans join the flow's trace. Apps whose HTTP client instrumentation already
 * injects them need not; an app without a registered propagator gets `{}`. Never throws.
 */
export function oauthTraceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  try {
    propagation.inject(context.active(), headers);
  } catch {
    /* never throw into the request path */
  }
  return headers;
}
