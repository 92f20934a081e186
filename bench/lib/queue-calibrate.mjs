#!/usr/bin/env node
// Run with --expose-gc. Measures what a full log queue costs in live heap, with the package's real
// pipeline: initTelemetry() exporting OTLP to an endpoint that accepts connections and never
// answers (so one batch stays in flight and the queue fills to maxQueueSize), and the
// oidc-provider adapter's `oauth_server_token_issued` record (what the memory soak queues), emitted
// through instrumentOidcProvider() on a minimal provider-shaped EventEmitter.
// Prints one JSON line: heap after GC empty, with one batch in flight, with the queue full, and
// after 10× maxQueueSize more records (all dropped as queue_full).
//   node --expose-gc bench/lib/queue-calibrate.mjs [maxQueueSize] [maxExportBatchSize]
import { createServer } from 'node:net';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Q = Number(process.argv[2] ?? 2048);
const B = Number(process.argv[3] ?? 512);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const sockets = new Set();
const hang = createServer((s) => (sockets.add(s), s.on('error', () => {})));
await new Promise((r) => hang.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${hang.address().port}/v1/logs`;

const { initTelemetry } = require('../../packages/oauth-otel/dist/index.js');
const { instrumentOidcProvider } = require('../../packages/oauth-otel/dist/adapters/oidc-provider/index.js');
const handle = await initTelemetry({
  serviceName: 'auth-server',
  metrics: { server: false },
  logs: { stdout: false, level: 'debug', flushOnExit: false, otlp: { endpoint: url, timeoutMillis: 600_000, maxQueueSize: Q, maxExportBatchSize: B } },
});
const provider = new EventEmitter();
provider.issuer = 'http://127.0.0.1:4000';
instrumentOidcProvider(provider);
const ctx = () => ({ ip: '127.0.0.1', oidc: { route: 'token', params: { grant_type: 'client_credentials' }, client: { clientId: 'benchmark-client' } } });
const emit = (n) => {
  for (let i = 0; i < n; i++) provider.emit('grant.success', ctx());
};
const tick = () => new Promise((r) => setTimeout(r, 50));
const heap = async () => {
  await tick();
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const drops = () => Object.fromEntries([...globalThis[Symbol.for('oauth-otel.runtime.v1')].drops].map(([k, v]) => [k.replace('\u0001', ':'), v]));

// warm the code paths without retaining records: drop them (a tiny warm-up on a separate run
// would need a second provider; dropped records take the same path up to the queue check)
const h0 = await heap();
emit(B); // reaches maxExportBatchSize: exported at once, the request hangs
await tick();
const h1 = await heap();
emit(Q); // fills the queue while the batch is in flight
const h2 = await heap();
emit(10 * Q); // all dropped: queue_full
const h3 = await heap();
const out = {
  maxQueueSize: Q,
  maxExportBatchSize: B,
  heapEmpty: h0,
  heapOneBatchInFlight: h1,
  heapQueueFull: h2,
  heapAfterOverflow: h3,
  bytesPerQueuedRecord: (h2 - h1) / Q,
  queueFullBytes: h2 - h0,
  overflowBytes: h3 - h2,
  drops: drops(),
};
console.log(JSON.stringify(out));
for (const s of sockets) s.destroy();
hang.close();
await handle.shutdown({ timeoutMillis: 100 });
process.exit(0);
