/**
 * The leak gates' pipeline: the package initialized with OTLP logs to a real OTLP endpoint and the
 * package logger on a captured stream (the same formats and transports as stdout). Registers its
 * own beforeAll/afterAll; the returned object is filled in before the file's tests run.
 */
import { Writable } from 'node:stream';
import * as api from '../../src';
import { OtlpLogsEndpoint } from './otlp-endpoint';

export interface LogGate {
  readonly stdoutLines: string[];
  ep: OtlpLogsEndpoint;
  handle: api.TelemetryHandle;
  logger: ReturnType<typeof api.createLogger>;
}

export function logGate(serviceName: string, logs: { logClientId?: boolean } = {}): LogGate {
  const gate = { stdoutLines: [] as string[] } as LogGate;
  beforeAll(async () => {
    gate.ep = await new OtlpLogsEndpoint().start();
    gate.handle = await api.initTelemetry({
      serviceName,
      metrics: { port: 0, allowUnauthenticated: true },
      logs: { stdout: false, level: 'debug', ...logs, otlp: { endpoint: gate.ep.url, maxQueueSize: 50_000, maxExportBatchSize: 1000, scheduledDelayMillis: 50 } },
    });
    const capture = new Writable({
      write(chunk: Buffer, _e, cb) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) gate.stdoutLines.push(line);
        cb();
      },
    });
    gate.logger = api.createLogger({ destination: capture, level: 'debug' });
  });
  afterAll(async () => {
    await gate.handle?.shutdown();
    await gate.ep?.stop();
  });
  return gate;
}
