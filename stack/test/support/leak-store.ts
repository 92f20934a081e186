/** Shared by the leak-store tests: the shipped collector in front of a real log store, and the
 *  text an app would log for a structured value. */
import { SHIPPED_COLLECTOR_CONFIG } from './backends';
import { startCollector, type Collector } from './collector';
import { startVictoriaLogs, type VictoriaLogs } from './victorialogs';

/** Structured values as an app would serialize them into a log line: JSON, with Headers, URL and
 *  Error objects as their JSON-visible content. */
export const toText = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x instanceof Headers ? Object.fromEntries(x) : x instanceof URL || x instanceof URLSearchParams ? x.toString() : x instanceof Error ? { ...x, name: x.name, message: x.message } : x)) ?? '';

/** Starts VictoriaLogs and the shipped otel-collector.yaml exporting to it for the test file
 *  (beforeAll / afterAll); read the returned object's fields inside tests. */
export function shippedCollectorIntoStore(): { vl: VictoriaLogs; collector: Collector } {
  const env = {} as { vl: VictoriaLogs; collector: Collector };
  beforeAll(async () => {
    env.vl = await startVictoriaLogs();
    env.collector = await startCollector({ configPath: SHIPPED_COLLECTOR_CONFIG, env: { LOKI_OTLP_ENDPOINT: env.vl.otlpLogsUrl } });
  });
  afterAll(async () => {
    await env.collector?.stop();
    await env.vl?.stop();
  });
  return env;
}
