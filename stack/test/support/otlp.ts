/**
 * Send log records over OTLP/HTTP protobuf with the real OpenTelemetry JS SDK
 * (@opentelemetry/sdk-logs + @opentelemetry/exporter-logs-otlp-proto), from a child Node process:
 * inside jest's module sandbox the exporter's dynamic import('http') fails unless jest runs with
 * --experimental-vm-modules, and a separate process is what an application is anyway.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyValue, AnyValueMap } from '@opentelemetry/api-logs';
import { makeScratchDir, runCommand } from './process';
import { rmSync } from 'node:fs';

export interface OtlpLogRecordSpec {
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body?: AnyValue;
  attributes?: AnyValueMap;
}

export interface SendOtlpLogsOptions {
  /** Full logs URL, e.g. `${collector.otlpHttpUrl}/v1/logs`. */
  url: string;
  resource?: Record<string, string | number | boolean>;
  scope?: { name: string; version?: string };
  records: OtlpLogRecordSpec[];
}

/** Export the records; resolves when all were accepted, rejects with the exporter's errors. */
export async function sendOtlpLogs(opts: SendOtlpLogsOptions): Promise<void> {
  const dir = makeScratchDir('otlp-sender');
  try {
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(opts));
    const r = await runCommand(process.execPath, [join(__dirname, 'otlp-log-sender.cjs'), specFile], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`OTLP log sender failed (exit ${r.code}): ${r.stderr || r.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
