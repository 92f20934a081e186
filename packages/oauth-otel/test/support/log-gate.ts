/**
 * The leak gates' pipeline: the package initialized with OTLP logs to a real OTLP endpoint (records
 * from init's own logger) and a package logger on a captured stream (the same formats and
 * transports as stdout). `logger` sends each call to both. Registers its
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
    // stdout lines from a createLogger() on a captured stream; OTLP records from init's own
    // logger, which shares the redacting processor's redactor: its hot-path records skip the
    // processor (src/logs/fast-info.ts), so the gate checks that they leave clean all the same.
    const stdoutLogger = api.createLogger({ destination: capture, level: 'debug', otel: false });
    const otlpLogger = gate.handle.logger!;
    const both =
      (name: 'info' | 'warn' | 'error') =>
      (...args: unknown[]) => {
        (stdoutLogger[name] as (...a: unknown[]) => unknown)(...args);
        (otlpLogger[name] as (...a: unknown[]) => unknown)(...args);
      };
    gate.logger = { info: both('info'), warn: both('warn'), error: both('error') } as unknown as LogGate['logger'];
  });
  afterAll(async () => {
    await gate.handle?.shutdown();
    await gate.ep?.stop();
  });
  return gate;
}
