/**
 * The log schema: one flat set of fields, identical in the stdout JSON line and in the OTLP record
 * (as log attributes, record fields or resource attributes). Loki's OTLP ingestion turns `.` into
 * `_`, and LogQL's `json` parser does the same with the JSON keys, so every shipped query filters
 * on the `query` name below whichever path the record took.
 *
 * docs/logs.md is generated from this table and checked against it by a test.
 */

export type LogFieldSource =
  /** a log attribute in OTLP, a top-level key in JSON */
  | 'attribute'
  /** a resource attribute in OTLP (a Loki index label), a top-level key in JSON */
  | 'resource'
  /** an OTLP record field (Loki structured metadata), a top-level key in JSON */
  | 'record';

export interface LogField {
  /** Key in the JSON line and OTLP attribute/resource key. */
  readonly key: string;
  /** Name a LogQL query uses (Loki label or structured-metadata name). */
  readonly query: string;
  readonly source: LogFieldSource;
  readonly type: 'string' | 'number';
  readonly description: string;
}

/**
 * The security severity (critical … low) of a security event. Namespaced on purpose: Loki's level
 * detection (`log_level_fields`, default `level`, `severity`, …, `severity_text`) reads a bare
 * `severity` key before `severity_text`, which made `detected_level` high/medium/low; Grafana and
 * log shippers read `severity` as the log level too. Keep the record's level in severity_text only.
 */
export const ATTR_SECURITY_SEVERITY = 'oauth.security_severity';

/**
 * Field names log stores read as the record's level (Loki 3.x default `log_level_fields`, compared
 * case-insensitively, `.` as `_`). Only `level` (JSON) and `severity_text` may carry them, with the
 * record's real level.
 */
export const LEVEL_FIELD_NAMES: readonly string[] = Object.freeze(['level', 'log_level', 'severity', 'severitytext', 'lvl', 'severity_text']);

const f = (key: string, source: LogFieldSource, type: 'string' | 'number', description: string): LogField =>
  Object.freeze({ key, query: key.replace(/\./g, '_'), source, type, description });

export const LOG_FIELDS: readonly LogField[] = Object.freeze([
  f('time', 'record', 'string', 'JSON: ISO-8601 time. OTLP: the record timestamp.'),
  f('level', 'record', 'string', 'JSON: level name (same as severity_text).'),
  f('message', 'record', 'string', 'JSON: human-readable message. OTLP: the record body (the Loki log line).'),
  f('event', 'attribute', 'string', 'Event name (also the OTel record eventName). Query this one: every Loki version stores it.'),
  f('event_name', 'record', 'string', 'OTel record eventName as structured metadata; only Loki 3.8 and newer store it (3.7 drops it). Equal to `event`.'),
  f('severity_text', 'record', 'string', 'Level name: trace, debug, info, warn, error, fatal.'),
  f('severity_number', 'record', 'number', 'OTel severity number: 5 debug, 9 info, 13 warn, 17 error, 21 fatal.'),
  f(ATTR_SECURITY_SEVERITY, 'attribute', 'string', 'Security events only: critical, high, medium, low (not the log level: see severity_text).'),
  f('priority', 'attribute', 'string', 'Security events only: P0 (critical) … P3 (low).'),
  f('service_name', 'resource', 'string', 'service.name (Loki index label).'),
  f('deployment_environment_name', 'resource', 'string', 'deployment.environment.name (Loki index label).'),
  f('service_version', 'resource', 'string', 'service.version.'),
  f('trace_id', 'record', 'string', 'Active trace id, when a span is active.'),
  f('span_id', 'record', 'string', 'Active span id, when a span is active.'),
  f('oauth.provider', 'attribute', 'string', 'Normalized provider (issuer host or configured name), bounded.'),
  f('oauth.flow_id', 'attribute', 'string', 'Keyed fingerprint of the flow id (never the raw state).'),
  f('oauth.client_id', 'attribute', 'string', 'OAuth client_id, only when `logClientId` is enabled.'),
  f('oauth.outcome', 'attribute', 'string', 'success or failure (refresh also reuse_detected).'),
  f('oauth.reason', 'attribute', 'string', 'Closed-vocabulary reason of the outcome.'),
  f('oauth.error', 'attribute', 'string', 'Registered OAuth error code, else other.'),
  f('oauth.grant_type', 'attribute', 'string', 'Grant type of a token request.'),
  f('oauth.discovery_method', 'attribute', 'string', 'rfc9728, rfc8414, www-authenticate, manual.'),
  f('oauth.security_event_type', 'attribute', 'string', 'event_type label of oauth_security_events_total.'),
  f('oauth.violation_type', 'attribute', 'string', 'Integrity violation type.'),
  f('oauth.token.fingerprint', 'attribute', 'string', 'Keyed fingerprint of a token, never the token.'),
  f('oauth.reuse_classification', 'attribute', 'string', 'benign_race or suspected_theft (refresh-token reuse).'),
  f('oauth.token.previous_fingerprint', 'attribute', 'string', 'Fingerprint of the refresh token a rotation replaced.'),
  f('oauth.family_revoked', 'attribute', 'string', 'Refresh-token reuse: whether the token family was revoked.'),
  f('oauth.since_first_use_ms', 'attribute', 'number', 'Refresh-token reuse: ms since the token was first used.'),
  f('oauth.stage', 'attribute', 'string', 'Issuer mismatch: authorization_response, metadata or token_endpoint.'),
  f('oauth.count', 'attribute', 'number', 'Number of tokens or states affected (revocation, cleanup).'),
  f('oauth.refreshed', 'attribute', 'number', 'Scheduled refresh: tokens refreshed in the run.'),
  f('oauth.failed', 'attribute', 'number', 'Scheduled refresh: tokens that failed in the run.'),
  f('oauth.endpoint', 'attribute', 'string', 'Authorization server: the endpoint that handled the request (adapter).'),
  f('http.response.status_code', 'attribute', 'number', 'HTTP status of a failed token endpoint response.'),
  f('duration_ms', 'attribute', 'number', 'Duration of the operation in milliseconds.'),
  f('exception.type', 'attribute', 'string', 'Class of an attached error.'),
  f('exception.message', 'attribute', 'string', 'Message of an attached error (redacted).'),
  f('exception.stacktrace', 'attribute', 'string', 'Stack of an attached error (redacted).'),
  f('exception.code', 'attribute', 'string', 'Code of an attached error (e.g. ECONNREFUSED).'),
]);

/** Keys the package itself writes (JSON keys and OTLP attribute/record/resource keys). */
export const LOG_KEYS: ReadonlySet<string> = new Set(LOG_FIELDS.map((x) => x.key));

/** Names a LogQL query may filter on, as labels or structured metadata. */
export const LOG_QUERY_FIELDS: ReadonlySet<string> = new Set(LOG_FIELDS.map((x) => x.query));
