// Prometheus scrape endpoint: oauth-otel's registry (the same one instrumentation.ts started),
// behind `Authorization: Bearer $METRICS_TOKEN` (16+ characters). The handler is closed by
// default: without METRICS_TOKEN it answers 403 to every request, and it serves GET and HEAD only.
import { createMetricsHandler } from 'oauth-otel';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = createMetricsHandler({ token: process.env.METRICS_TOKEN });
export const HEAD = GET;
