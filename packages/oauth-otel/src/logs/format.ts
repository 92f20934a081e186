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
        rec['exception.type'] = e.name;
        rec['exception.message'] = e.message;
        if (e.stack) rec['exception.stacktrace'] = e.stack;
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string' || typeof code === 'number') rec['exception.code'] = code;
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

const FIRST = ['time', 'level', 'severity_text', 'severity_number', 'message', 'event'];
const SKIP = new Set(['level', 'message', 'otel.event.name']);

/**
 * One flat JSON object per line: the schema of docs/logs.md. Builds a new object (the record is
 * shared with the OTel transport and must not gain stdout-only keys).
 */
export function jsonLineFormat(resource: ResourceFields): Logform.Format {
  return format((info) => {
    const rec = info as Record<string | symbol, unknown>;
    const level = (rec[LEVEL] ?? rec.level) as LogLevel;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      severity_text: level,
      severity_number: SEVERITY_NUMBER[level] ?? 0,
      message: rec.message,
    };
    if (rec.event !== undefined) line.event = rec.event;
    line.service_name = resource.service_name;
    if (resource.service_version) line.service_version = resource.service_version;
    if (resource.deployment_environment_name) line.deployment_environment_name = resource.deployment_environment_name;
    for (const k of Object.keys(rec)) {
      if (SKIP.has(k) || FIRST.includes(k)) continue;
      const v = rec[k];
      if (v !== undefined) line[k] = v;
    }
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ time: line.time, level, message: '[unserializable log record]' });
    }
    rec[MESSAGE] = text;
    return info;
  })();
}
