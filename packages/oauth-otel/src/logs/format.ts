import { trace } from '@opentelemetry/api';
import { format, type Logform } from 'winston';
import { MARKER_FAILED, type Redactor } from '../redaction';
import { reportDrop } from '../internal/diag';
import type { LogLevel } from '../types';
import { guardLine } from './egress';
import { isPreRedacted, unmark } from './fast-info';
import { SEVERITY_NUMBER } from './levels';
import { ATTR_EVENT, ATTR_EXCEPTION_CODE, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from '../catalog/attributes';

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');
const LEVEL = Symbol.for('level');

/**
 * Redacts a winston record before any transport runs (stdout and OTel see the same clean
 * record) and flattens an attached Error into `exception.*` fields, identical on both paths.
 */
export function redactionFormat(redactor: Redactor): Logform.Format {
  return format((info) => {
    // Built by the logger's hot path from the walk's own copy (fast-info.ts): nothing to redact.
    if (isPreRedacted(info)) return info;
    try {
      // A copy of such a record (a child logger's write()) is not: it must not keep the hot
      // path's mark for the OTel processor.
      unmark(info);
      return redactInfo(info, redactor);
    } catch {
      // Never pass on a record the redactor could not finish: keep only its level.
      reportDrop('logs', 'invalid_value', 'log-redaction', 'a log record could not be redacted and was replaced by a marker');
      const level = typeof info.level === 'string' ? info.level : 'error';
      return { level, message: MARKER_FAILED, [LEVEL]: level } as unknown as Logform.TransformableInfo;
    }
  })();
}

function redactInfo(info: Logform.TransformableInfo, redactor: Redactor): Logform.TransformableInfo {
  {
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
    // winston keeps the caller's original meta objects under Symbol(splat), and the OTel transport
    // reads them to build `exception.*` (any object with a `code`, `name` or `message`): redact
    // them too, or an unredacted value walks out through that side door.
    const splat = (info as unknown as Record<symbol, unknown>)[SPLAT];
    if (splat !== undefined) (info as unknown as Record<symbol, unknown>)[SPLAT] = redactor.redact(splat);
    return info;
  }
}

/** Flattens an Error into the schema's `exception.*` fields (redacted later with the record). */
export function addException(rec: Record<string, unknown>, e: Error): void {
  rec[ATTR_EXCEPTION_TYPE] = e.name;
  rec[ATTR_EXCEPTION_MESSAGE] = e.message;
  if (e.stack) rec[ATTR_EXCEPTION_STACKTRACE] = e.stack;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') rec[ATTR_EXCEPTION_CODE] = code;
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

/**
 * The one builder of stdout resource fields: from an OTel Resource's attributes (initTelemetry),
 * or from `OTEL_SERVICE_NAME` / `NODE_ENV` when there is none (createLogger, bring your own SDK).
 */
export function resourceFields(attrs?: Readonly<Record<string, unknown>>): ResourceFields {
  if (attrs === undefined) {
    return { service_name: process.env.OTEL_SERVICE_NAME || 'unknown_service:node', deployment_environment_name: process.env.NODE_ENV || 'development' };
  }
  return {
    service_name: String(attrs['service.name'] ?? 'unknown_service:node'),
    ...(attrs['service.version'] !== undefined ? { service_version: String(attrs['service.version']) } : {}),
    ...(attrs['deployment.environment.name'] !== undefined ? { deployment_environment_name: String(attrs['deployment.environment.name']) } : {}),
  };
}

const SKIP = new Set(['time', 'level', 'severity_text', 'severity_number', 'message', ATTR_EVENT, 'otel.event.name']);

const quotedKeys = new Map<string, string>();
/** `"key":` for a field name, memoized (the set of keys is small and fixed by the schema). */
function keyPrefix(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = ',' + JSON.stringify(k) + ':';
    if (quotedKeys.size < 1000) quotedKeys.set(k, q);
  }
  return q;
}

const PLAIN = /^[\w .:/@+-]*$/;
/** JSON for one field value; strings without characters that need escaping skip JSON.stringify. */
function jsonValue(v: unknown): string | undefined {
  if (typeof v === 'string') return PLAIN.test(v) ? '"' + v + '"' : JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

let lastMs = -1;
let lastIso = '';
/** ISO time, formatted once per millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

const resourceParts = new WeakMap<ResourceFields, string>();
function resourcePart(r: ResourceFields): string {
  let p = resourceParts.get(r);
  if (p === undefined) {
    p = ',"service_name":' + JSON.stringify(r.service_name);
    if (r.service_version) p += ',"service_version":' + JSON.stringify(r.service_version);
    if (r.deployment_environment_name) p += ',"deployment_environment_name":' + JSON.stringify(r.deployment_environment_name);
    resourceParts.set(r, p);
  }
  return p;
}

/**
 * Whether the line jsonLine() built last holds anything it did not write itself from a string,
 * number or boolean: an object (serialized by JSON.stringify, which runs `toJSON` hooks the
 * redaction walk may not have seen). Only such a line can
 * print bytes the walk did not inspect, so only such a line needs the egress guard (a string is
 * immutable: what the walk returned is what is printed). A module flag, not a return value: the
 * per-record path allocates nothing for it.
 */
let lastLineOpaque = false;
export function lastJsonLineOpaque(): boolean {
  return lastLineOpaque;
}

const opaqueValue = (v: unknown) => v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean';

/**
 * One flat JSON object per line: the schema of docs/logs.md. The single implementation of the
 * stdout shape, used by the winston transport and by the OAuth event writer alike. Built by
 * concatenation (the resource part is precomputed), as pino does: this is the per-event hot path.
 */
export function jsonLine(resource: ResourceFields, level: LogLevel, message: unknown, event: unknown, fields: Record<string, unknown>, eventName?: unknown): string {
  lastLineOpaque = true;
  try {
    let opaque = opaqueValue(message) || opaqueValue(event) || opaqueValue(eventName);
    let out = '{"time":"' + isoNow() + '","level":"' + level + '","severity_text":"' + level + '","severity_number":' + (SEVERITY_NUMBER[level] ?? 0);
    out += ',"message":' + (jsonValue(message) ?? '""');
    if (event !== undefined) out += ',"event":' + jsonValue(event);
    // The OTel EventName, as Loki names the record field: the same query works on both paths.
    if (eventName !== undefined) out += ',"event_name":' + jsonValue(eventName);
    out += resourcePart(resource);
    // Own keys only, as JSON.stringify: an inherited (e.g. polluted prototype) key is never printed.
    for (const k of Object.keys(fields)) {
      if (SKIP.has(k)) continue;
      const v = fields[k];
      if (v === undefined) continue;
      if (opaqueValue(v)) opaque = true;
      const j = jsonValue(v);
      if (j !== undefined) out += keyPrefix(k) + j;
    }
    lastLineOpaque = opaque;
    return out + '}';
  } catch {
    return JSON.stringify({ time: isoNow(), level, message: '[unserializable log record]' });
  }
}

/**
 * The stdout transport's format: builds a new line (the record is shared with the OTel transport)
 * and passes it through the egress guard when a redactor is given. `guardAll`: guard every line,
 * for a logger whose own format runs after the redaction (it may add anything); otherwise only
 * a line with a value the walk could not have seen (lastJsonLineOpaque()) is guarded.
 */
export function jsonLineFormat(resource: ResourceFields, redactor?: Redactor, guardAll = true): Logform.Format {
  return format((info) => {
    const rec = info as Record<string | symbol, unknown>;
    const level = (rec[LEVEL] ?? rec.level) as LogLevel;
    const line = jsonLine(resource, level, rec.message, rec.event, rec as Record<string, unknown>, rec['otel.event.name']);
    rec[MESSAGE] = redactor && (guardAll || lastLineOpaque) ? guardLine(line, redactor, level) : line;
    return info;
  })();
}
