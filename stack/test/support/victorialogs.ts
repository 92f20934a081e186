/**
 * VictoriaLogs as the real log store behind the collector in tests (it stands in for Loki, which
 * cannot run here). It ingests OTLP/HTTP protobuf at /insert/opentelemetry/v1/logs and answers LogsQL
 * (not LogQL) at /select/logsql/query with newline-delimited JSON, one object per log entry.
 */
import { join } from 'node:path';
import { backendPath } from './backends';
import { freePort, HOST, makeScratchDir, spawnServer, waitFor, type ServerProcess } from './process';

export interface VictoriaLogs extends ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:34567 */
  url: string;
  /** OTLP/HTTP logs endpoint (protobuf only): point the collector's LOKI_OTLP_ENDPOINT here. */
  otlpLogsUrl: string;
  query(logsql: string, opts?: QueryOptions): Promise<VictoriaLogsEntry[]>;
  queryRaw(logsql: string, opts?: QueryOptions): Promise<string>;
}

/** One log entry as VictoriaLogs returns it: `_msg`, `_time`, `_stream`, and every field flat. */
export type VictoriaLogsEntry = Record<string, string>;

export interface QueryOptions {
  /** Max entries (default 1000). */
  limit?: number;
  /** LogsQL time bounds, e.g. '5m' or an RFC3339 time (default: the whole retention). */
  start?: string;
  end?: string;
}

export async function startVictoriaLogs({ readyTimeoutMs = 30_000 }: { readyTimeoutMs?: number } = {}): Promise<VictoriaLogs> {
  const port = await freePort();
  const dir = makeScratchDir('victorialogs');
  const url = `http://${HOST}:${port}`;
  const proc = await spawnServer({
    name: 'victorialogs',
    command: backendPath('victoriaLogs'),
    args: [
      `-httpListenAddr=${HOST}:${port}`,
      `-storageDataPath=${join(dir, 'data')}`,
      '-retentionPeriod=1d',
      // Make freshly ingested rows searchable quickly (default 5s).
      '-inmemoryDataFlushInterval=1s',
    ],
    dir,
    readyUrl: `${url}/health`,
    readyTimeoutMs,
  });
  return Object.assign(proc, {
    url,
    otlpLogsUrl: `${url}/insert/opentelemetry/v1/logs`,
    query: (q: string, o?: QueryOptions) => queryVictoriaLogs(url, q, o),
    queryRaw: (q: string, o?: QueryOptions) => queryVictoriaLogsRaw(url, q, o),
  });
}

/** The raw response body of a LogsQL query (newline-delimited JSON). */
export async function queryVictoriaLogsRaw(baseUrl: string, logsql: string, opts: QueryOptions = {}): Promise<string> {
  const form = new URLSearchParams({ query: logsql, limit: String(opts.limit ?? 1000) });
  if (opts.start) form.set('start', opts.start);
  if (opts.end) form.set('end', opts.end);
  const res = await fetch(`${baseUrl}/select/logsql/query`, {
    method: 'POST',
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`LogsQL query ${JSON.stringify(logsql)} failed: HTTP ${res.status}: ${text}`);
  return text;
}

/** Run a LogsQL query and parse its entries. */
export async function queryVictoriaLogs(baseUrl: string, logsql: string, opts: QueryOptions = {}): Promise<VictoriaLogsEntry[]> {
  const text = await queryVictoriaLogsRaw(baseUrl, logsql, opts);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as VictoriaLogsEntry);
}

/** Poll a LogsQL query until it returns at least `count` entries. */
export async function waitForVictoriaLogs(
  baseUrl: string,
  logsql: string,
  { count = 1, timeoutMs = 30_000 }: { count?: number; timeoutMs?: number } = {},
): Promise<VictoriaLogsEntry[]> {
  return waitFor(
    `${count} entries for LogsQL ${JSON.stringify(logsql)}`,
    async () => {
      const rows = await queryVictoriaLogs(baseUrl, logsql);
      return rows.length >= count ? rows : undefined;
    },
    { timeoutMs, intervalMs: 300 },
  );
}
