/**
 * Jaeger v2 (all-in-one, in-memory) as the real trace store behind the collector in tests (it
 * stands in for Tempo, which is AGPL and cannot be built here). OTLP/HTTP in, the query API
 * (`/api/traces`, `/api/services`) out, every port a free 127.0.0.1 one.
 */
import { join } from 'node:path';
import { backendPath, REPO_ROOT } from './backends';
import { freePort, HOST, spawnServer, waitFor, type ServerProcess } from './process';

export const JAEGER_TEST_CONFIG = join(REPO_ROOT, 'stack', 'jaeger', 'test-config.yaml');

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export interface Jaeger extends ServerProcess {
  /** Full OTLP/HTTP traces URL: point the collector's TRACES_OTLP_ENDPOINT here. */
  otlpTracesUrl: string;
  queryUrl: string;
  traces(service: string): Promise<JaegerTrace[]>;
  trace(traceId: string): Promise<JaegerTrace | undefined>;
}

export async function startJaeger({ readyTimeoutMs = 30_000 }: { readyTimeoutMs?: number } = {}): Promise<Jaeger> {
  const [health, query, queryGrpc, otlp] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const queryUrl = `http://${HOST}:${query}`;
  const proc = await spawnServer({
    name: 'jaeger',
    command: backendPath('jaeger'),
    args: [`--config=${JAEGER_TEST_CONFIG}`],
    env: {
      JAEGER_HEALTH_ENDPOINT: `${HOST}:${health}`,
      JAEGER_QUERY_ENDPOINT: `${HOST}:${query}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `${HOST}:${queryGrpc}`,
      JAEGER_OTLP_HTTP_ENDPOINT: `${HOST}:${otlp}`,
    },
    readyUrl: `${queryUrl}/api/services`,
    readyTimeoutMs,
  });
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${queryUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { data: T };
    return body.data;
  };
  return Object.assign(proc, {
    otlpTracesUrl: `http://${HOST}:${otlp}/v1/traces`,
    queryUrl,
    traces: async (service: string) => (await get<JaegerTrace[] | null>(`/api/traces?service=${encodeURIComponent(service)}&limit=100&lookback=1h`)) ?? [],
    trace: async (traceId: string) => {
      const res = await fetch(`${queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) return undefined;
      return ((await res.json()) as { data: JaegerTrace[] }).data[0];
    },
  });
}

/** Polls until `traceId` has at least `spans` spans in Jaeger. */
export function waitForTrace(j: Jaeger, traceId: string, spans: number, timeoutMs = 30_000): Promise<JaegerTrace> {
  return waitFor(`trace ${traceId} with ${spans} spans in Jaeger`, async () => {
    const t = await j.trace(traceId);
    return t !== undefined && t.spans.length >= spans ? t : undefined;
  }, { timeoutMs, intervalMs: 300 });
}
