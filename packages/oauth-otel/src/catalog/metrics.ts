/**
 * The metric catalog: the one source of truth for every metric name, type, help text, label and
 * bucket boundary the package emits. Docs, dashboards and rules are checked against this file by
 * tests (test/docs/docs.test.ts, stack/test/queries), and the instruments are created from it
 * (src/metrics/recorder.ts). Labels are declared in exposition order, so `LabelValues<K>` is the
 * typed tuple a recording call must pass: a wrong arity, order or domain does not compile.
 *
 * Names, help texts, labels and buckets of the 21 `seed` entries are exactly those of the
 * Plugged.in catalog, so existing PromQL keeps working; `added` entries close its gaps.
 */
import {
  DISCOVERY_METHOD,
  DPOP_CHECK,
  DPOP_SIDE,
  FLOW_FAILURE_REASON,
  GRANT_REVOCATION_REASON,
  GRANT_TYPE,
  OAUTH_ERROR_CODE,
  OUTCOME,
  PKCE_CLEANUP_REASON,
  PKCE_VALIDATION_REASON,
  REFRESH_REASON,
  REGISTRATION_ANOMALY,
  REGISTRATION_SOURCE,
  REFRESH_STATUS,
  REGISTRATION_ROUTE,
  REUSE_CLASSIFICATION,
  REVOCATION_REASON,
  SCHEDULED_REFRESH_ERROR,
  SCHEDULED_REFRESH_REASON,
  SECURITY_EVENT_TYPE,
  SERVER_ENDPOINT,
  SERVER_REGISTRATION_ERROR,
  SEVERITY,
  TELEMETRY_DROP_REASON,
  TELEMETRY_SIGNAL,
  TOKEN_IN_URL_PARAMETER,
  TOKEN_IN_URL_SIDE,
  VIOLATION_TYPE,
} from './vocabularies';

/** How a label's values are bounded: a closed list, or the normalized-and-capped provider. */
export type LabelDomain = readonly string[] | 'provider';

/**
 * A `provider` label value: only the provider normalizer (issuer host, capped) makes one, so a raw
 * issuer URL or a caller's string cannot reach a label by accident.
 */
export type ProviderLabel = string & { readonly __brand: 'oauth-otel.provider-label' };

export type InstrumentKind = 'counter' | 'histogram' | 'observable_gauge';

/** One label: its name and its bounded domain. */
export type LabelSpec = readonly [name: string, domain: LabelDomain];

interface MetricSpec {
  /** OTel instrument name; equal to the Prometheus family name (counters end in `_total`). */
  readonly name: string;
  readonly kind: InstrumentKind;
  /** Prometheus `# HELP` text. */
  readonly help: string;
  /** Labels in exposition order. */
  readonly labels: readonly LabelSpec[];
  /** Explicit bucket boundaries in seconds (histograms only). */
  readonly buckets?: readonly number[];
  readonly unit?: string;
  /** `seed`: one of Plugged.in's 21 metrics; `added`: introduced by oauth-otel. */
  readonly origin: 'seed' | 'added';
}

export interface MetricDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly help: string;
  /** Label names in exposition order, each with its bounded domain. */
  readonly labels: Readonly<Record<string, LabelDomain>>;
  /** The same labels as an ordered tuple (the order of a recording call's values). */
  readonly labelSpecs: readonly LabelSpec[];
  readonly buckets?: readonly number[];
  readonly unit?: string;
  readonly origin: 'seed' | 'added';
}

type Built<S extends MetricSpec> = Omit<S, 'labels'> & {
  readonly labels: { readonly [P in S['labels'][number] as P[0]]: P[1] };
  readonly labelSpecs: S['labels'];
};

const def = <const S extends MetricSpec>(s: S): Built<S> =>
  Object.freeze({ ...s, labels: Object.freeze(Object.fromEntries(s.labels)), labelSpecs: s.labels }) as unknown as Built<S>;

export const METRICS = {
  flows: def({
    name: 'oauth_flows_total',
    kind: 'counter',
    help: 'Total number of OAuth authorization flows initiated',
    labels: [['provider', 'provider'], ['status', OUTCOME]],
    origin: 'seed',
  }),
  flowDuration: def({
    name: 'oauth_flow_duration_seconds',
    kind: 'histogram',
    help: 'OAuth authorization flow duration in seconds',
    labels: [['provider', 'provider'], ['status', OUTCOME]],
    buckets: [0.5, 1, 2, 5, 10, 30, 60],
    unit: 's',
    origin: 'seed',
  }),
  tokenRefresh: def({
    name: 'oauth_token_refresh_total',
    kind: 'counter',
    help: 'Total number of OAuth token refresh attempts',
    labels: [['status', REFRESH_STATUS], ['reason', REFRESH_REASON]],
    origin: 'seed',
  }),
  tokenRefreshDuration: def({
    name: 'oauth_token_refresh_duration_seconds',
    kind: 'histogram',
    help: 'Token refresh operation duration in seconds',
    labels: [['status', OUTCOME]],
    buckets: [0.1, 0.5, 1, 2, 5, 10],
    unit: 's',
    origin: 'seed',
  }),
  tokenRevocations: def({
    name: 'oauth_token_revocations_total',
    kind: 'counter',
    help: 'Total number of OAuth token revocations',
    labels: [['reason', REVOCATION_REASON]],
    origin: 'seed',
  }),
  activeTokens: def({
    name: 'oauth_active_tokens',
    kind: 'observable_gauge',
    help: 'Current number of active OAuth tokens',
    labels: [],
    origin: 'seed',
  }),
  pkceValidations: def({
    name: 'oauth_pkce_validations_total',
    kind: 'counter',
    help: 'Total number of PKCE state validations',
    labels: [['status', OUTCOME], ['reason', PKCE_VALIDATION_REASON]],
    origin: 'seed',
  }),
  pkceStatesCreated: def({
    name: 'oauth_pkce_states_created_total',
    kind: 'counter',
    help: 'Total number of PKCE states created',
    labels: [],
    origin: 'seed',
  }),
  pkceStatesCleaned: def({
    name: 'oauth_pkce_states_cleaned_total',
    kind: 'counter',
    help: 'Total number of PKCE states cleaned up',
    labels: [['reason', PKCE_CLEANUP_REASON]],
    origin: 'seed',
  }),
  activePkceStates: def({
    name: 'oauth_active_pkce_states',
    kind: 'observable_gauge',
    help: 'Current number of active PKCE states',
    labels: [],
    origin: 'seed',
  }),
  securityEvents: def({
    name: 'oauth_security_events_total',
    kind: 'counter',
    help: 'Total number of OAuth security events',
    labels: [['event_type', SECURITY_EVENT_TYPE], ['severity', SEVERITY]],
    origin: 'seed',
  }),
  integrityViolations: def({
    name: 'oauth_integrity_violations_total',
    kind: 'counter',
    help: 'Total number of OAuth integrity violations',
    labels: [['violation_type', VIOLATION_TYPE]],
    origin: 'seed',
  }),
  codeInjectionAttempts: def({
    name: 'oauth_code_injection_attempts_total',
    kind: 'counter',
    help: 'Total number of authorization code injection attempts detected',
    labels: [],
    origin: 'seed',
  }),
  discoveryAttempts: def({
    name: 'oauth_discovery_attempts_total',
    kind: 'counter',
    help: 'Total number of OAuth metadata discovery attempts',
    labels: [['method', DISCOVERY_METHOD], ['status', OUTCOME]],
    origin: 'seed',
  }),
  discoveryDuration: def({
    name: 'oauth_discovery_duration_seconds',
    kind: 'histogram',
    help: 'OAuth discovery operation duration in seconds',
    labels: [['method', DISCOVERY_METHOD], ['status', OUTCOME]],
    buckets: [0.5, 1, 2, 5, 10],
    unit: 's',
    origin: 'seed',
  }),
  clientRegistrations: def({
    name: 'oauth_client_registrations_total',
    kind: 'counter',
    help: 'Total number of dynamic client registrations',
    labels: [['status', OUTCOME]],
    origin: 'seed',
  }),
  clientRegistrationDuration: def({
    name: 'oauth_client_registration_duration_seconds',
    kind: 'histogram',
    help: 'Client registration operation duration in seconds',
    labels: [['status', OUTCOME]],
    buckets: [0.5, 1, 2, 5, 10],
    unit: 's',
    origin: 'seed',
  }),
  scheduledRefresh: def({
    name: 'oauth_scheduled_refresh_total',
    kind: 'counter',
    help: 'Total number of scheduled token refresh runs',
    labels: [['status', OUTCOME], ['reason', SCHEDULED_REFRESH_REASON]],
    origin: 'seed',
  }),
  scheduledRefreshDuration: def({
    name: 'oauth_scheduled_refresh_duration_seconds',
    kind: 'histogram',
    help: 'Scheduled token refresh batch duration in seconds',
    labels: [['status', OUTCOME]],
    buckets: [0.5, 1, 2, 5, 10, 30, 60],
    unit: 's',
    origin: 'seed',
  }),
  tokensExpiringSoon: def({
    name: 'oauth_tokens_expiring_soon',
    kind: 'observable_gauge',
    help: 'Current number of OAuth tokens expiring soon',
    labels: [],
    origin: 'seed',
  }),
  scheduledRefreshErrors: def({
    name: 'oauth_scheduled_refresh_errors_total',
    kind: 'counter',
    help: 'Total number of errors during scheduled token refresh',
    labels: [['error_type', SCHEDULED_REFRESH_ERROR]],
    origin: 'seed',
  }),

  // ---- added by oauth-otel -------------------------------------------------------------------
  flowsStarted: def({
    name: 'oauth_flows_started_total',
    kind: 'counter',
    help: 'Total number of OAuth authorization flows started (outcomes are in oauth_flows_total)',
    labels: [['provider', 'provider']],
    origin: 'added',
  }),
  flowFailures: def({
    name: 'oauth_flow_failures_total',
    kind: 'counter',
    help: 'Total number of failed OAuth authorization flows by failure reason and OAuth error code',
    labels: [['provider', 'provider'], ['reason', FLOW_FAILURE_REASON], ['error', OAUTH_ERROR_CODE]],
    origin: 'added',
  }),
  tokenEndpointErrors: def({
    name: 'oauth_token_endpoint_errors_total',
    kind: 'counter',
    help: 'Total number of non-2xx token endpoint responses by grant type and OAuth error code',
    labels: [['provider', 'provider'], ['grant_type', GRANT_TYPE], ['error', OAUTH_ERROR_CODE]],
    origin: 'added',
  }),
  flowRegistrationRoutes: def({
    name: 'oauth_flow_registration_routes_total',
    kind: 'counter',
    help: 'Total number of completed OAuth authorization flows by how the client got its client_id (pre_registered, cimd, dcr, manual)',
    labels: [['provider', 'provider'], ['route', REGISTRATION_ROUTE], ['status', OUTCOME]],
    origin: 'added',
  }),
  stepUpChallenges: def({
    name: 'oauth_step_up_challenges_total',
    kind: 'counter',
    help: 'Total number of 403 insufficient_scope challenges (step-up authorization) received from protected resources',
    labels: [['provider', 'provider']],
    origin: 'added',
  }),
  telemetryDropped: def({
    name: 'oauth_telemetry_dropped_total',
    kind: 'counter',
    help: 'Total number of telemetry inputs oauth-otel dropped or coerced, by signal and reason',
    labels: [['signal', TELEMETRY_SIGNAL], ['reason', TELEMETRY_DROP_REASON]],
    origin: 'added',
  }),

  // ---- added: authorization server (oauth-otel/oidc-provider adapter) ------------------------
  serverTokensIssued: def({
    name: 'oauth_server_tokens_issued_total',
    kind: 'counter',
    help: 'Total number of successful token endpoint responses of the authorization server by grant type',
    labels: [['grant_type', GRANT_TYPE]],
    origin: 'added',
  }),
  serverErrors: def({
    name: 'oauth_server_errors_total',
    kind: 'counter',
    help: 'Total number of error responses of the authorization server by endpoint and OAuth error code',
    labels: [['endpoint', SERVER_ENDPOINT], ['error', OAUTH_ERROR_CODE]],
    origin: 'added',
  }),
  serverClientRegistrations: def({
    name: 'oauth_server_client_registrations_total',
    kind: 'counter',
    help: 'Total number of dynamic client registration requests handled by the authorization server by outcome and OAuth error code',
    labels: [['status', OUTCOME], ['error', SERVER_REGISTRATION_ERROR]],
    origin: 'added',
  }),
  serverRefreshTokenReuse: def({
    name: 'oauth_server_refresh_token_reuse_total',
    kind: 'counter',
    help: 'Total number of refresh-token reuses detected by the authorization server by classification',
    labels: [['classification', REUSE_CLASSIFICATION]],
    origin: 'added',
  }),
  serverGrantRevocations: def({
    name: 'oauth_server_grant_revocations_total',
    kind: 'counter',
    help: 'Total number of grants (token families) revoked by the authorization server by reason',
    labels: [['reason', GRANT_REVOCATION_REASON]],
    origin: 'added',
  }),

  // ---- added: issue 14 (threats the observer and the adapter see) ----------------------------
  tokenInUrl: def({
    name: 'oauth_token_in_url_total',
    kind: 'counter',
    help: 'Total number of requests that carried a token or other secret in the URL query, by side and parameter name',
    labels: [['side', TOKEN_IN_URL_SIDE], ['parameter', TOKEN_IN_URL_PARAMETER]],
    origin: 'added',
  }),
  serverRegistrationsBySource: def({
    name: 'oauth_server_client_registrations_by_source_total',
    kind: 'counter',
    help: 'Total number of dynamic client registrations handled by the authorization server by class of the registering address',
    labels: [['source', REGISTRATION_SOURCE]],
    origin: 'added',
  }),
  serverRegistrationAnomalies: def({
    name: 'oauth_server_registration_anomalies_total',
    kind: 'counter',
    help: 'Total number of dynamic client registration anomalies (bursts per source, suspicious redirect URIs, abandoned clients) by reason',
    labels: [['reason', REGISTRATION_ANOMALY]],
    origin: 'added',
  }),

  // ---- added: sender-constrained tokens (DPoP, RFC 9449) -------------------------------------
  dpopFailures: def({
    name: 'oauth_dpop_failures_total',
    kind: 'counter',
    help: 'Total number of DPoP (RFC 9449) requests rejected, by the side that rejected them and the check that failed',
    labels: [['side', DPOP_SIDE], ['check', DPOP_CHECK]],
    origin: 'added',
  }),
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

type DomainValue<D> = D extends 'provider' ? ProviderLabel : D extends readonly (infer V)[] ? V : never;
type ValuesOf<T extends readonly LabelSpec[]> = { -readonly [I in keyof T]: T[I] extends readonly [string, infer D] ? DomainValue<D> : never };

/** The label values of metric `K`, in its label order: `LabelValues<'flows'>` is `[ProviderLabel, Outcome]`. */
export type LabelValues<K extends MetricKey> = ValuesOf<(typeof METRICS)[K]['labelSpecs']>;

/** Metrics of each instrument kind (a counter key cannot be recorded as a histogram). */
export type CounterKey = { [K in MetricKey]: (typeof METRICS)[K]['kind'] extends 'counter' ? K : never }[MetricKey];
export type HistogramKey = { [K in MetricKey]: (typeof METRICS)[K]['kind'] extends 'histogram' ? K : never }[MetricKey];
export type GaugeKey = { [K in MetricKey]: (typeof METRICS)[K]['kind'] extends 'observable_gauge' ? K : never }[MetricKey];

/** All definitions in catalog order. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = Object.freeze(Object.values(METRICS));

/** The 21 metric names of the seed catalog, in its order. */
export const SEED_METRIC_NAMES: readonly string[] = Object.freeze(
  METRIC_DEFINITIONS.filter((d) => d.origin === 'seed').map((d) => d.name),
);

/** Meter (instrumentation scope) name used for every OAuth instrument. */
export const METER_NAME = 'oauth-otel';
