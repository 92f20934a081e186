import { trace, type Logger as OtelLogger } from '@opentelemetry/api';
import type { OAuthEvent } from '../api/events';
import type { Redactor } from '../redaction';
import type { LogLevel } from '../types';
import { addException, jsonLine, type ResourceFields } from './format';
import { LEVELS, SEVERITY_NUMBER } from './levels';

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
 * The fast path for the recording API's own events: the same JSON line and the same OTel record
 * as the winston logger produces, without winston's per-record machinery. Event attributes are
 * built by the package (closed vocabularies, numbers, fingerprints); the two values that come from
 * the caller — a client id and an attached error — are redacted here, and the OTel pipeline's
 * RedactingLogRecordProcessor still sees every record first.
 */
export function directEventWriter(o: EventWriterOptions): (e: OAuthEvent) => void {
  const min = LEVELS[o.level];
  return (e) => {
    if (LEVELS[e.level] > min) return;
    const attrs: Record<string, unknown> = { event: e.event };
    for (const k in e.attributes) {
      const v = e.attributes[k];
      if (v === undefined) continue;
      if (k === 'oauth.client_id') {
        if (o.logClientId) attrs[k] = o.redactor.redactString(String(v));
        continue;
      }
      attrs[k] = v;
    }
    if (e.error !== undefined) {
      const err: Record<string, unknown> = {};
      if (e.error instanceof Error) addException(err, e.error);
      else err['exception.message'] = String(e.error);
      Object.assign(attrs, o.redactor.redact(err));
    }
    if (o.stdout) {
      let fields = attrs;
      const span = trace.getActiveSpan();
      if (span) {
        const sc = span.spanContext();
        if (!/^0+$/.test(sc.traceId)) fields = { ...attrs, trace_id: sc.traceId, span_id: sc.spanId };
      }
      o.stdout.write(jsonLine(o.resource, e.level, e.message, e.event, fields) + '\n');
    }
    o.otel?.emit({ eventName: e.event, severityNumber: SEVERITY_NUMBER[e.level], severityText: e.level, body: e.message, attributes: attrs as never });
  };
}
