import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { peekShared, setShared } from '../internal/registry';

/** Prometheus text exposition 0.0.4, the format every Prometheus (and promtool) reads. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsHandlerOptions {
  /**
   * Bearer token scrapes must present (`Authorization: Bearer <token>`). Compared in constant
   * time. Strongly recommended when the route is reachable beyond localhost.
   */
  token?: string;
}

type Exposition = { status: number; body: string; headers: Record<string, string> };

/** Where the exporter registered by initTelemetry() lives (process-wide, like the recorder). */
export interface MetricsEndpoint {
  exporter: PrometheusExporter;
  serializer: PrometheusSerializer;
}

export function setMetricsEndpoint(e: MetricsEndpoint | undefined): void {
  setShared('metricsEndpoint', e);
}

function endpoint(): MetricsEndpoint | undefined {
  return peekShared<MetricsEndpoint>('metricsEndpoint');
}

export function newSerializer(withoutTargetInfo: boolean): PrometheusSerializer {
  return new PrometheusSerializer('', false, undefined, withoutTargetInfo, true);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function authorized(header: string | null | undefined, expected: Buffer | undefined): boolean {
  if (expected === undefined) return true;
  if (typeof header !== 'string' || !/^Bearer\s+/i.test(header)) return false;
  return timingSafeEqual(digest(header.replace(/^Bearer\s+/i, '').trim()), expected);
}

async function expose(authHeader: string | null | undefined, expected: Buffer | undefined): Promise<Exposition> {
  if (!authorized(authHeader, expected)) {
    return { status: 401, body: 'unauthorized\n', headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' } };
  }
  const e = endpoint();
  if (e === undefined) {
    return { status: 503, body: '# oauth-otel: initTelemetry() has not started metrics in this process\n', headers: { 'content-type': METRICS_CONTENT_TYPE } };
  }
  try {
    const { resourceMetrics, errors } = await e.exporter.collect();
    const body = e.serializer.serialize(resourceMetrics) + (errors.length ? `# oauth-otel: ${errors.length} collection error(s)\n` : '');
    return { status: 200, body, headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' } };
  } catch {
    return { status: 500, body: '# oauth-otel: metrics collection failed\n', headers: { 'content-type': METRICS_CONTENT_TYPE } };
  }
}

/**
 * A Web-standard route handler (`Request` → `Response`) for frameworks without Node response
 * objects, e.g. a Next.js App Router `app/api/metrics/route.ts`:
 * `export const GET = createMetricsHandler({ token: process.env.METRICS_TOKEN })`.
 */
export function createMetricsHandler(options: MetricsHandlerOptions = {}): (request: Request) => Promise<Response> {
  const expected = options.token ? digest(options.token) : undefined;
  return async (request: Request) => {
    const r = await expose(request.headers.get('authorization'), expected);
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
}

/** A `node:http` / Express request listener serving the same exposition. */
export function metricsRequestListener(options: MetricsHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = options.token ? digest(options.token) : undefined;
  return (req, res) => {
    void expose(req.headers.authorization, expected).then(
      (r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  };
}
