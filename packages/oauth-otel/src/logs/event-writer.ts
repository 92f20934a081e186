import { trace, type Logger as OtelLogger } from '@opentelemetry/api';
import type { Logger as WinstonLogger } from 'winston';
import type { OAuthEvent } from '../api/events';
import { ATTR_EVENT, ATTR_EXCEPTION_MESSAGE, ATTR_OAUTH_CLIENT_ID } from '../catalog/attributes';
import type { Redactor } from '../redaction';
import type { LogLevel } from '../types';
import { guardLine } from './egress';
import { addException, jsonLine, lastJsonLineOpaque, type ResourceFields } from './format';
import { LEVELS, SEVERITY_NUMBER } from './levels';

/**
 * The one event writer: how a recorded OAuth event becomes a log record. Each record has the OTel
 * EventName (dotted, from the catalog), a severity number, the message as body, and the flat
 * `event` name plus the event's attributes; `oauth.client_id` only when `logClientId` is on.
 */
function eventAttributes(e: OAuthEvent, logClientId: boolean, clean: (s: string) => string): Record<string, unknown> {
  const attrs: Record<string, unknown> = { [ATTR_EVENT]: e.event };
  const a = e.attributes as Record<string, unknown>;
  for (const k in a) {
    const v = a[k];
    if (v === undefined) continue;
    if (k === ATTR_OAUTH_CLIENT_ID) {
      if (logClientId) attrs[k] = clean(String(v));
      continue;
    }
    attrs[k] = v;
  }
  return attrs;
}

const asIs = (s: string) => s;

export interface EventWriterOptions {
  level: LogLevel;
  /** Where stdout JSON lines go, or undefined for none. */
  stdout: { write(line: string): unknown } | undefined;
  resource: ResourceFields;
  /** The package's own OTel logger (its pipeline redacts again, first). */
  otel: OtelLogger | undefined;
  redactor: Redactor;
  logClientId: boolean;
}

/**
 * The fast path (initTelemetry, enableOAuthEventLogs): the same JSON line and the same OTel record
 * as the winston logger produces, without winston's per-record machinery. Event attributes are
 * built by the package (closed vocabularies, numbers, fingerprints); the two values that come from
 * the caller — a client id and an attached error — are redacted here, and the OTel pipeline's
 * RedactingLogRecordProcessor still sees every record first.
 */
export function directEventWriter(o: EventWriterOptions): (e: OAuthEvent) => void {
  const min = LEVELS[o.level];
  const clean = (s: string) => o.redactor.redactString(s);
  return (e) => {
    if (LEVELS[e.level] > min) return;
    const attrs = eventAttributes(e, o.logClientId, clean);
    if (e.error !== undefined) {
      const err: Record<string, unknown> = {};
      if (e.error instanceof Error) addException(err, e.error);
      else err[ATTR_EXCEPTION_MESSAGE] = String(e.error);
      Object.assign(attrs, o.redactor.redact(err));
    }
    if (o.stdout) {
      let fields = attrs;
      const span = trace.getActiveSpan();
      if (span) {
        const sc = span.spanContext();
        if (!/^0+$/.test(sc.traceId)) fields = { ...attrs, trace_id: sc.traceId, span_id: sc.spanId };
      }
      const line = jsonLine(o.resource, e.level, e.message, e.event, fields, e.eventName);
      // Only a line with an object in it can hold what the redaction did not see (see jsonLine).
      o.stdout.write((lastJsonLineOpaque() ? guardLine(line, o.redactor, e.level) : line) + '\n');
    }
    o.otel?.emit({ eventName: e.eventName, severityNumber: SEVERITY_NUMBER[e.level], severityText: e.level, body: e.message, attributes: attrs as never });
  };
}

/**
 * Bring your own winston logger (setOAuthEventLogger): the same record through `logger`, whose
 * own formats redact it; `otel.event.name` becomes the OTel record's EventName.
 */
export function winstonEventWriter(logger: WinstonLogger, logClientId: boolean): (e: OAuthEvent) => void {
  return (e) => {
    const rec: Record<string, unknown> = { level: e.level, message: e.message, 'otel.event.name': e.eventName, ...eventAttributes(e, logClientId, asIs) };
    if (e.error !== undefined) rec.err = e.error;
    logger.log(rec as never);
  };
}
