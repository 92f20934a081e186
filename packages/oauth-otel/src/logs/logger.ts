import { createLogger as createWinston, transports, format, type Logform, type Logger } from 'winston';
import type { Writable } from 'node:stream';
import type { LogLevel } from '../types';
import type { Redactor } from '../redaction';
import { defaultLogRedactor } from './default-redactor';
import { redactorCore } from '../internal/redactor-facades';
import { bridgeLegacyLogsApi } from './bridge';
import { OAuthOtelTransport } from './otel-transport';
import { hardenLoggerCalls } from './safe-call';
import { defaultLevel, LEVELS, SEVERITY_NUMBER } from './levels';
import { jsonLineFormat, redactionFormat, resourceFields, traceContextFormat, type ResourceFields } from './format';

export interface CreateLoggerOptions {
  /** Default `LOG_LEVEL`, else production info, test warn, otherwise debug. */
  level?: LogLevel;
  /** JSON lines to `destination` (default stdout). Default true. */
  stdout?: boolean;
  /** Where the JSON lines go. Default `process.stdout`. */
  destination?: Writable;
  /** Bridge every record into OpenTelemetry logs (the global LoggerProvider). Default true. */
  otel?: boolean;
  /** The redactor applied before every transport. Default: the package's default policy. */
  redactor?: Redactor;
  /** Resource fields repeated on stdout lines. Default from `OTEL_SERVICE_NAME` / `NODE_ENV`. */
  resource?: ResourceFields;
  /** Metadata on every record (redacted like everything else). */
  defaultMeta?: Record<string, unknown>;
  /** An extra winston format, run after redaction and trace context. */
  format?: Logform.Format;
}

/** The package's own formats that return the record unchanged (no value added after redaction). */
const passThrough = new WeakSet<Logform.Format>();

/** Declares a format of the package's own that returns every record as it is (e.g. counting). */
export function passThroughFormat(f: Logform.Format): Logform.Format {
  passThrough.add(f);
  return f;
}

/**
 * A winston logger with oauth-otel's pipeline: redaction first, trace context, then one JSON
 * object per line on stdout and the same record into OpenTelemetry (OTLP when initTelemetry()
 * started the logs side, or your own SDK's LoggerProvider). Usable before or after init.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  // A redactor from the public createRedactor() is a guarded facade: use the engine behind it.
  const redactor = options.redactor ? redactorCore(options.redactor) : defaultLogRedactor();
  const resource = options.resource ?? resourceFields();
  const outputs = [];
  if (options.stdout !== false) {
    outputs.push(new transports.Stream({ stream: options.destination ?? process.stdout, format: jsonLineFormat(resource, redactor, options.format !== undefined) }));
  }
  if (options.otel !== false) {
    bridgeLegacyLogsApi();
    outputs.push(new OAuthOtelTransport({ severityMapping: { ...SEVERITY_NUMBER } }));
  }
  return hardenLoggerCalls(
    createWinston({
      levels: { ...LEVELS },
      level: options.level ?? defaultLevel(),
      format: options.format ? format.combine(redactionFormat(redactor), traceContextFormat, options.format) : format.combine(redactionFormat(redactor), traceContextFormat),
      transports: outputs,
      exitOnError: false,
      ...(options.defaultMeta ? { defaultMeta: options.defaultMeta } : {}),
    }),
    redactor,
    // Records reach the OTel transport as the walk left them only without a user format (or
    // with one of the package's own, which adds nothing: passThroughFormat()).
    options.otel !== false && (options.format === undefined || passThrough.has(options.format)),
  );
}
