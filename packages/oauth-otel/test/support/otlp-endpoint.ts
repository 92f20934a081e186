/**
 * A real OTLP/HTTP logs endpoint for tests: a node:http server that decodes what the exporter
 * sends (protobuf with protobufjs and the OTLP schema, or JSON) and can be made slow, failing or
 * absent, to test the pipeline's resilience.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';

export interface ReceivedLog {
  body: unknown;
  severityNumber: number;
  severityText: string;
  eventName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  traceId: string;
  spanId: string;
}

export type EndpointMode = 'ok' | 'unavailable' | 'hang' | { delayMs: number };

const root = protobuf.loadSync(join(__dirname, 'otlp-logs.proto'));
const Request = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  if ('kvlistValue' in v) return kv((v.kvlistValue as { values?: unknown[] }).values);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue as Uint8Array).toString('base64');
  return undefined;
}

function kv(list: unknown[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of (list ?? []) as { key: string; value?: Record<string, unknown> }[]) out[item.key] = anyValue(item.value);
  return out;
}

const hex = (b: unknown) => (b instanceof Uint8Array && b.length ? Buffer.from(b).toString('hex') : '');

type RequestShape = { resourceLogs?: { resource?: { attributes?: unknown[] }; scopeLogs?: { logRecords?: Record<string, unknown>[] }[] }[] };

/** Flattens an export request (protobuf decoded to an object, or OTLP/JSON) into records. */
function toRecords(msg: RequestShape, id: (v: unknown) => string): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const rl of msg.resourceLogs ?? []) {
    const resource = kv(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        out.push({
          body: anyValue(r.body as Record<string, unknown>),
          severityNumber: (r.severityNumber as number) ?? 0,
          severityText: (r.severityText as string) ?? '',
          eventName: (r.eventName as string) ?? '',
          attributes: kv(r.attributes as unknown[]),
          resource,
          traceId: id(r.traceId),
          spanId: id(r.spanId),
        });
      }
    }
  }
  return out;
}

export function decodeProtobuf(buf: Buffer): ReceivedLog[] {
  return toRecords(Request.toObject(Request.decode(buf), { oneofs: false, defaults: false, longs: String, bytes: Uint8Array as never }) as RequestShape, hex);
}

function decodeJson(buf: Buffer): ReceivedLog[] {
  return toRecords(JSON.parse(buf.toString('utf8')) as RequestShape, (v) => (typeof v === 'string' ? v : ''));
}

export class OtlpLogsEndpoint {
  readonly received: ReceivedLog[] = [];
  /** Raw request bodies, for byte-level leak checks. */
  readonly rawBodies: Buffer[] = [];
  requests = 0;
  mode: EndpointMode = 'ok';
  private server: Server | undefined;
  private hung: (() => void)[] = [];

  constructor(private port = 0) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/logs`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const body = Buffer.concat(chunks);
        const respond = () => {
          if (this.mode === 'unavailable') {
            res.writeHead(503, { 'retry-after': '0' }).end();
            return;
          }
          this.rawBodies.push(body);
          const ct = req.headers['content-type'] ?? '';
          this.received.push(...(ct.includes('json') ? decodeJson(body) : decodeProtobuf(body)));
          res.writeHead(200, { 'content-type': ct.includes('json') ? 'application/json' : 'application/x-protobuf' }).end();
        };
        if (this.mode === 'hang') this.hung.push(() => res.destroy());
        else if (typeof this.mode === 'object') setTimeout(respond, this.mode.delayMs);
        else respond();
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const h of this.hung.splice(0)) h();
    const s = this.server;
    this.server = undefined;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Resolves once `n` records (matching `filter`) have arrived, or rejects after `timeoutMs`. */
  async waitFor(n: number, filter: (r: ReceivedLog) => boolean = () => true, timeoutMs = 15_000): Promise<ReceivedLog[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.received.filter(filter);
      if (got.length >= n) return got;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} log records (have ${got.length})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
