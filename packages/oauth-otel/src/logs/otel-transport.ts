import { OpenTelemetryTransportV3, type OpenTelemetryTransportV3Options } from '@opentelemetry/winston-transport';
import type { Logger as LegacyLogger, LogRecord } from '@opentelemetry/api-logs';
import { isPreRedacted } from './fast-info';

const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');
const OTEL_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');
/** Record keys the contrib transport leaves out of the attributes (correlation comes from the context). */
const NOT_ATTRIBUTES = new Set(['message', 'level', 'otel.event.name', 'trace_id', 'span_id', 'trace_flags']);

/**
 * `@opentelemetry/winston-transport` with a direct emit for the records createLogger()'s hot path
 * built (fast-info.ts). The contrib transport copies each record twice with object rest (symbols
 * included) and deep-copies every attribute value against cycles and class instances; a
 * pre-redacted record is the walk's fresh copy (plain data, no cycles, no Error, no `err` /
 * `stack` keys), so its values are handed on as they are. The record emitted is the one the contrib
 * transport would emit (test/logs/fast-path.property.test.ts compares them); every other record
 * takes the contrib path.
 */
export class OAuthOtelTransport extends OpenTelemetryTransportV3 {
  private readonly severity: Readonly<Record<string, number>>;

  constructor(options: OpenTelemetryTransportV3Options & { severityMapping: Record<string, number> }) {
    super(options);
    this.severity = options.severityMapping;
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    if (!isPreRedacted(info)) return super.log(info, callback);
    try {
      const level = info[LEVEL] as string;
      const attributes: Record<string, unknown> = {};
      for (const k in info) if (!NOT_ATTRIBUTES.has(k) && Object.hasOwn(info, k)) attributes[k] = info[k];
      // The contrib transport's exception: the first splat entry with a code, name, message or
      // stack (here the redacted meta, which has no message or stack on this path).
      const meta = (info[SPLAT] as Record<string, unknown>[] | undefined)?.[0];
      const exception = meta !== undefined && (meta.code != null || meta.name != null) ? meta : undefined;
      const eventName = info['otel.event.name'];
      const context = info[OTEL_CONTEXT];
      const record: LogRecord = {
        severityNumber: this.severity[level],
        severityText: level,
        body: info.message as string,
        attributes: attributes as LogRecord['attributes'],
        ...(context ? { context: context as LogRecord['context'] } : {}),
        ...(exception ? { exception } : {}),
        ...(typeof eventName === 'string' ? { eventName } : {}),
      } as LogRecord;
      (this as unknown as { _logger: LegacyLogger })._logger.emit(record);
    } catch (error) {
      this.emit('warn', error);
    }
    this.emit('logged', info);
    callback();
  }
}
