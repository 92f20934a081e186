import { trace } from '@opentelemetry/api';
import { format, type Logform } from 'winston';
import type { Redactor } from '../redaction';
import type { LogLevel } from '../types';
import { SEVERITY_NUMBER } from './levels';

const MESSAGE = Symbol.for('message');
const LEVEL = Symbol.for('level');

/**
 * Redacts a winston record before any transport runs (stdout and OTel see the same clean
 * record) and flattens an attached Error into `exception.*` fields, identical on both paths.
 */
export function redactionFormat(redactor: Redactor): Logform.Format {
  return format((info) => {
    const rec = info as Record<string, unknown>;
    for (const key of ['err', 'error'] as const) {
      const e = rec[key];
      if (e instanceof Error) {
        delete rec[key];
        addException(rec, e);
      }
    }
    if (typeof rec.message !== 'string') rec.message = rec.message === undefined ? '' : (redactor.redact(rec.message) as never);
    const plain: Record<string, unknown> = {};
    for (const k of Object.keys(rec)) plain[k] = rec[k];
    const red = redactor.redact(plain) as Record<string, unknown>;
    if (red !== plain) for (const k of Object.keys(plain)) rec[k] = red[k];
    return info;
  })();
}

/** Flattens an Error into the schema's `exception.*` fields (redacted later with the record). */
export function addException(rec: Record<string, unknown>, e: Error): void {
  rec['exception.type'] = e.name;
  rec['exception.message'] = e.message;
  if (e.stack) rec['exception.stacktrace'] = e.stack;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') rec['exception.code'] = code;
}

/** Adds trace_id / span_id of the active span (the OTel transport takes them from the context). */
export const traceContextFormat: Logform.Format = format((info) => {
  const span = trace.getActiveSpan();
  if (span) {
    const sc = span.spanContext();
    if (sc.traceId && !/^0+$/.test(sc.traceId)) {
      (info as Record<string, unknown>).trace_id = sc.traceId;
      (info as Record<string, unknown>).span_id = sc.spanId;
    }
  }
  return info;
})();

/** Fields of the resource repeated on every stdout line (they are resource attributes in OTLP). */
export interface ResourceFields {
  service_name: string;
  service_version?: string;
  deployment_environment_name?: string;
}

const SKIP = new Set(['time', 'level', 'severity_text', 'severity_number', 'message', 'event', 'otel.event.name']);

/**
 * One flat JSON object per line: the schema of docs/logs.md. The single implementation of the
 * stdout shape, used by the winston transport and by the OAuth event writer alike.
 */
export function jsonLine(resource: ResourceFields, level: LogLevel, message: unknown, event: unknown, fields: Record<string, unknown>): string {
  const line: Record<string, unknown> = {
    time: new Date().toISOString(),
    level,
    severity_text: level,
    severity_number: SEVERITY_NUMBER[level] ?? 0,
    message,
  };
  if (event !== undefined) line.event = event;
  line.service_name = resource.service_name;
  if (resource.service_version) line.service_version = resource.service_version;
  if (resource.deployment_environment_name) line.deployment_environment_name = resource.deployment_environment_name;
  for (const k in fields) {
    if (SKIP.has(k)) continue;
    const v = fields[k];
    if (v !== undefined) line[k] = v;
  }
  try {
    return JSON.stringify(line);
  } catch {
    return JSON.stringify({ time: line.time, level, message: '[unserializable log record]' });
  }
}

/** The stdout transport's format: builds a new line (the record is shared with the OTel transport). */
export function jsonLineFormat(resource: ResourceFields): Logform.Format {
  return format((info) => {
    const rec = info as Record<string | symbol, unknown>;
    const level = (rec[LEVEL] ?? rec.level) as LogLevel;
    rec[MESSAGE] = jsonLine(resource, level, rec.message, rec.event, rec as Record<string, unknown>);
    return info;
  })();
}
