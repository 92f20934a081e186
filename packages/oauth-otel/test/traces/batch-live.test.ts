/**
 * The OTEL_BSP_* values reach the processor initTelemetry() builds: with an hour-long schedule
 * delay and a batch of 2, two ended spans are exported at once to a real OTLP/HTTP receiver on
 * 127.0.0.1 — the SDK's defaults (512 spans, 5 s) would hold them back. The same run sends them as
 * OTLP/JSON, as OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json asks (protobuf is covered by the stack tests).
 */
import { createServer, type Server } from 'node:http';
import { trace } from '@opentelemetry/api';
import * as api from '../../src';

let server: Server;
let posts = 0;
const types: string[] = [];
let handle: api.TelemetryHandle | undefined;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume().on('end', () => {
      if (req.url === '/v1/traces') {
        posts++;
        types.push(String(req.headers['content-type']));
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  process.env = saved;
  await handle?.shutdown();
  server.close();
});

test('a full batch of OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans is exported without waiting for OTEL_BSP_SCHEDULE_DELAY', async () => {
  Object.assign(process.env, { OTEL_BSP_SCHEDULE_DELAY: '3600000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2', OTEL_BSP_MAX_QUEUE_SIZE: '8', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' });
  const port = (server.address() as { port: number }).port;
  handle = await api.initTelemetry({ serviceName: 'bsp-live', metrics: false, logs: false, traces: { endpoint: `http://127.0.0.1:${port}/v1/traces` } });
  const tracer = trace.getTracer('bsp-live');
  tracer.startSpan('one').end();
  await new Promise((r) => setTimeout(r, 300));
  expect(posts).toBe(0); // one span: below the batch size, held for the (hour-long) delay
  tracer.startSpan('two').end();
  // Well under the SDK default delay (5 s), so a processor that ignored the variables would fail here.
  for (let i = 0; i < 25 && posts === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(posts).toBe(1);
  // OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json picks the JSON exporter.
  expect(types).toEqual([expect.stringMatching(/^application\/json/)]);
});
