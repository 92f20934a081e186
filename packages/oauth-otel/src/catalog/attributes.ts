/**
 * Log and span attribute names (`ATTR_*`, in the style of @opentelemetry/semantic-conventions)
 * and the log schema built from them: one flat set of fields, identical in the stdout JSON line
 * and in the OTLP record (as log attributes, record fields or resource attributes). Loki's OTLP
 * ingestion turns `.` into `_`, and LogQL's `json` parser does the same with the JSON keys, so
 * every shipped query filters on the `query` name below whichever path the record took.
 *
 * docs/logs.md is generated from this table and checked against it by a test.
 */

// ---- attributes the recording API writes -------------------------------------------------
/** Flat event name (`oauth_flow_success`): kept for users' LogQL; the OTel EventName is dotted. */
export const ATTR_EVENT = 'event' as const;
/**
 * The security severity (critical … low) of a security event. Namespaced on purpose: Loki's level
 * detection (`log_level_fields`, default `level`, `severity`, …, `severity_text`) reads a bare
 * `severity` key before `severity_text`, which made `detected_level` high/medium/low; Grafana and
 * log shippers read `severity` as the log level too. Keep the record's level in severity_text only.
 */
export const ATTR_SECURITY_SEVERITY = 'oauth.security_severity' as const;
export const ATTR_PRIORITY = 'priority' as const;
export const ATTR_OAUTH_PROVIDER = 'oauth.provider' as const;
export const ATTR_OAUTH_FLOW_ID = 'oauth.flow_id' as const;
export const ATTR_OAUTH_CLIENT_ID = 'oauth.client_id' as const;
export const ATTR_OAUTH_OUTCOME = 'oauth.outcome' as const;
export const ATTR_OAUTH_REASON = 'oauth.reason' as const;
export const ATTR_OAUTH_ERROR = 'oauth.error' as const;
export const ATTR_OAUTH_GRANT_TYPE = 'oauth.grant_type' as const;
export const ATTR_OAUTH_DISCOVERY_METHOD = 'oauth.discovery_method' as const;
export const ATTR_OAUTH_SECURITY_EVENT_TYPE = 'oauth.security_event_type' as const;
export const ATTR_OAUTH_VIOLATION_TYPE = 'oauth.violation_type' as const;
export const ATTR_OAUTH_TOKEN_FINGERPRINT = 'oauth.token.fingerprint' as const;
export const ATTR_OAUTH_REUSE_CLASSIFICATION = 'oauth.reuse_classification' as const;
export const ATTR_OAUTH_TOKEN_PREVIOUS_FINGERPRINT = 'oauth.token.previous_fingerprint' as const;
export const ATTR_OAUTH_FAMILY_REVOKED = 'oauth.family_revoked' as const;
export const ATTR_OAUTH_SINCE_FIRST_USE_MS = 'oauth.since_first_use_ms' as const;
export const ATTR_OAUTH_STAGE = 'oauth.stage' as const;
export const ATTR_OAUTH_COUNT = 'oauth.count' as const;
export const ATTR_OAUTH_REFRESHED = 'oauth.refreshed' as const;
export const ATTR_OAUTH_FAILED = 'oauth.failed' as const;
export const ATTR_OAUTH_ENDPOINT = 'oauth.endpoint' as const;
export const ATTR_OAUTH_REGISTRATION_ROUTE = 'oauth.registration_route' as const;
export const ATTR_DURATION_MS = 'duration_ms' as const;
// OpenTelemetry semantic conventions (registry names).
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code' as const;
export const ATTR_SECURITY_RULE_NAME = 'security_rule.name' as const;
export const ATTR_SECURITY_RULE_RULESET_NAME = 'security_rule.ruleset.name' as const;
export const ATTR_SECURITY_RULE_REFERENCE = 'security_rule.reference' as const;
/** A pseudonymous user id: always a keyed fingerprint, never the raw id. */
export const ATTR_ENDUSER_PSEUDO_ID = 'enduser.pseudo.id' as const;
export const ATTR_EXCEPTION_TYPE = 'exception.type' as const;
export const ATTR_EXCEPTION_MESSAGE = 'exception.message' as const;
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace' as const;
export const ATTR_EXCEPTION_CODE = 'exception.code' as const;

/** Every attribute key an OAuth event may carry (closed: the event writer's type). */
export type EventAttributeKey =
  | typeof ATTR_SECURITY_SEVERITY
  | typeof ATTR_PRIORITY
  | typeof ATTR_OAUTH_PROVIDER
  | typeof ATTR_OAUTH_FLOW_ID
  | typeof ATTR_OAUTH_CLIENT_ID
  | typeof ATTR_OAUTH_OUTCOME
  | typeof ATTR_OAUTH_REASON
  | typeof ATTR_OAUTH_ERROR
  | typeof ATTR_OAUTH_GRANT_TYPE
  | typeof ATTR_OAUTH_DISCOVERY_METHOD
  | typeof ATTR_OAUTH_SECURITY_EVENT_TYPE
  | typeof ATTR_OAUTH_VIOLATION_TYPE
  | typeof ATTR_OAUTH_TOKEN_FINGERPRINT
  | typeof ATTR_OAUTH_REUSE_CLASSIFICATION
  | typeof ATTR_OAUTH_TOKEN_PREVIOUS_FINGERPRINT
  | typeof ATTR_OAUTH_FAMILY_REVOKED
  | typeof ATTR_OAUTH_SINCE_FIRST_USE_MS
  | typeof ATTR_OAUTH_STAGE
  | typeof ATTR_OAUTH_COUNT
  | typeof ATTR_OAUTH_REFRESHED
  | typeof ATTR_OAUTH_FAILED
  | typeof ATTR_OAUTH_ENDPOINT
  | typeof ATTR_OAUTH_REGISTRATION_ROUTE
  | typeof ATTR_DURATION_MS
  | typeof ATTR_HTTP_RESPONSE_STATUS_CODE
  | typeof ATTR_SECURITY_RULE_NAME
  | typeof ATTR_SECURITY_RULE_RULESET_NAME
  | typeof ATTR_SECURITY_RULE_REFERENCE
  | typeof ATTR_ENDUSER_PSEUDO_ID;

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
  f(ATTR_EVENT, 'attribute', 'string', 'Flat event name (`oauth_flow_success`), as before 0.2: existing LogQL keeps working.'),
  f('event_name', 'record', 'string', 'OTel EventName (dotted, `oauth.flow.success`); stdout JSON repeats it. In Loki, structured metadata only from Loki 3.8 (3.7 drops it): query `event` for every version.'),
  f('severity_text', 'record', 'string', 'Level name: trace, debug, info, warn, error, fatal.'),
  f('severity_number', 'record', 'number', 'OTel severity number: 5 debug, 9 info, 13 warn, 17 error, 21 fatal.'),
  f(ATTR_SECURITY_SEVERITY, 'attribute', 'string', 'Security events only: critical, high, medium, low (not the log level: see severity_text).'),
  f(ATTR_PRIORITY, 'attribute', 'string', 'Security events only: P0 (critical) … P3 (low).'),
  f('service_name', 'resource', 'string', 'service.name (Loki index label).'),
  f('deployment_environment_name', 'resource', 'string', 'deployment.environment.name (Loki index label).'),
  f('service_version', 'resource', 'string', 'service.version.'),
  f('trace_id', 'record', 'string', 'Active trace id, when a span is active.'),
  f('span_id', 'record', 'string', 'Active span id, when a span is active.'),
  f(ATTR_OAUTH_PROVIDER, 'attribute', 'string', 'Normalized provider (issuer host or configured name), bounded.'),
  f(ATTR_OAUTH_FLOW_ID, 'attribute', 'string', 'Keyed fingerprint of the flow id (never the raw state).'),
  f(ATTR_OAUTH_CLIENT_ID, 'attribute', 'string', 'OAuth client_id, only when `logClientId` is enabled.'),
  f(ATTR_OAUTH_OUTCOME, 'attribute', 'string', 'success or failure (refresh also reuse_detected).'),
  f(ATTR_OAUTH_REASON, 'attribute', 'string', 'Closed-vocabulary reason of the outcome.'),
  f(ATTR_OAUTH_ERROR, 'attribute', 'string', 'Registered OAuth error code, else other.'),
  f(ATTR_OAUTH_GRANT_TYPE, 'attribute', 'string', 'Grant type of a token request.'),
  f(ATTR_OAUTH_DISCOVERY_METHOD, 'attribute', 'string', 'rfc9728, rfc8414, www-authenticate, manual.'),
  f(ATTR_OAUTH_SECURITY_EVENT_TYPE, 'attribute', 'string', 'event_type label of oauth_security_events_total.'),
  f(ATTR_OAUTH_VIOLATION_TYPE, 'attribute', 'string', 'Integrity violation type.'),
  f(ATTR_OAUTH_TOKEN_FINGERPRINT, 'attribute', 'string', 'Keyed fingerprint of a token, never the token.'),
  f(ATTR_OAUTH_REUSE_CLASSIFICATION, 'attribute', 'string', 'benign_race or suspected_theft (refresh-token reuse).'),
  f(ATTR_OAUTH_TOKEN_PREVIOUS_FINGERPRINT, 'attribute', 'string', 'Fingerprint of the refresh token a rotation replaced.'),
  f(ATTR_OAUTH_FAMILY_REVOKED, 'attribute', 'string', 'Refresh-token reuse: whether the token family was revoked.'),
  f(ATTR_OAUTH_SINCE_FIRST_USE_MS, 'attribute', 'number', 'Refresh-token reuse: ms since the token was first used.'),
  f(ATTR_OAUTH_STAGE, 'attribute', 'string', 'Issuer mismatch: authorization_response, metadata or token_endpoint. Token in a URL: client_request or server_request.'),
  f(ATTR_OAUTH_COUNT, 'attribute', 'number', 'Number of tokens or states affected (revocation, cleanup).'),
  f(ATTR_OAUTH_REFRESHED, 'attribute', 'number', 'Scheduled refresh: tokens refreshed in the run.'),
  f(ATTR_OAUTH_FAILED, 'attribute', 'number', 'Scheduled refresh: tokens that failed in the run.'),
  f(ATTR_OAUTH_ENDPOINT, 'attribute', 'string', 'Authorization server: the endpoint that handled the request (adapter).'),
  f(ATTR_OAUTH_REGISTRATION_ROUTE, 'attribute', 'string', 'How the client got its client_id: pre_registered, cimd, dcr, manual (flows, DCR warning).'),
  f(ATTR_SECURITY_RULE_NAME, 'attribute', 'string', 'Security events only: OWASP Logging Vocabulary id (authn_token_reuse, sequence_fail, …).'),
  f(ATTR_SECURITY_RULE_RULESET_NAME, 'attribute', 'string', 'Security events only: `OWASP Logging Vocabulary`.'),
  f(ATTR_SECURITY_RULE_REFERENCE, 'attribute', 'string', 'Security events only: URL of the RFC section the check implements.'),
  f(ATTR_ENDUSER_PSEUDO_ID, 'attribute', 'string', 'Keyed fingerprint of the user id a caller passed (`userId`), never the id.'),
  f(ATTR_HTTP_RESPONSE_STATUS_CODE, 'attribute', 'number', 'HTTP status of a failed token endpoint response.'),
  f(ATTR_DURATION_MS, 'attribute', 'number', 'Duration of the operation in milliseconds.'),
  f(ATTR_EXCEPTION_TYPE, 'attribute', 'string', 'Class of an attached error.'),
  f(ATTR_EXCEPTION_MESSAGE, 'attribute', 'string', 'Message of an attached error (redacted).'),
  f(ATTR_EXCEPTION_STACKTRACE, 'attribute', 'string', 'Stack of an attached error (redacted).'),
  f(ATTR_EXCEPTION_CODE, 'attribute', 'string', 'Code of an attached error (e.g. ECONNREFUSED).'),
]);

/** Keys the package itself writes (JSON keys and OTLP attribute/record/resource keys). */
export const LOG_KEYS: ReadonlySet<string> = new Set(LOG_FIELDS.map((x) => x.key));

/** Names a LogQL query may filter on, as labels or structured metadata. */
export const LOG_QUERY_FIELDS: ReadonlySet<string> = new Set(LOG_FIELDS.map((x) => x.query));
