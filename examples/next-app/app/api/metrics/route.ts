// Prometheus scrape endpoint: oauth-otel's registry (the same one instrumentation.ts started),
// behind `Authorization: Bearer $METRICS_TOKEN`. Without METRICS_TOKEN the route stays closed.
import { createMetricsHandler } from 'oauth-otel';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const token = process.env.METRICS_TOKEN;
const metrics = token ? createMetricsHandler({ token }) : undefined;

export async function GET(request: Request): Promise<Response> {
  if (!metrics) return new Response('METRICS_TOKEN is not set: /api/metrics stays closed\n', { status: 503 });
  return metrics(request);
}
