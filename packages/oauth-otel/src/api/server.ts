/**
 * Recording calls for an authorization server: the `oauth_server_*` metrics and their events.
 * The oidc-provider adapter records through these, and any other AS can call them the same way.
 */
import { emit as emitEvent, eventsWanted, type EventAttributes } from './events';
import type { EventDefinition } from '../catalog/events';
import type { OAuthEventLevel } from '../catalog/vocabularies';
import { trace, type Span } from '@opentelemetry/api';
import { errorCodes, internalError, provider, metrics, recording } from './common';
import { Vocabulary } from '../metrics/labels';
import { EVENTS } from '../catalog/events';
import {
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OAUTH_CLIENT_ID,
  ATTR_OAUTH_ENDPOINT,
  ATTR_OAUTH_ERROR,
  ATTR_OAUTH_GRANT_TYPE,
  ATTR_OAUTH_OUTCOME,
  ATTR_OAUTH_PROVIDER,
  ATTR_OAUTH_REASON,
} from '../catalog/attributes';
import {
  GRANT_REVOCATION_REASON,
  GRANT_TYPE,
  SERVER_ENDPOINT,
  SERVER_REGISTRATION_ERROR,
  type GrantRevocationReason,
  type GrantType,
  type OAuthErrorCode,
  type ServerEndpoint,
} from '../catalog/vocabularies';

/**
 * The AS hot path opens no span: each server event also goes, as a span event with the same
 * closed-vocabulary attributes, on the active span (the request's server span from the app's HTTP
 * instrumentation), so the AS side of a flow's trace says what happened. The client id stays off
 * spans (it is logged only when `logClientId` is on).
 */
function recordingSpan(): Span | undefined {
  // No global context manager registered (the API 1.x global holds none): the API would answer
  // with its no-op manager's root context, which holds no span. One property read instead of the
  // API's lookup chain, whose code and data are cold between two requests of a busy AS (a few µs
  // there, ~0.1 µs in a hot loop). Anything else (a manager, or no API global at all) asks the API.
  const g = (globalThis as Record<symbol, { context?: unknown } | undefined>)[OTEL_API_GLOBAL];
  if (g !== undefined && g !== null && g.context === undefined) return undefined;
  // One context lookup per call: the span found here is the one the event goes on.
  const span = trace.getActiveSpan();
  return span !== undefined && span.isRecording() ? span : undefined;
}

/** Where @opentelemetry/api 1.x keeps its globals (context manager, providers). */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function emit(def: EventDefinition, attributes: EventAttributes, span: Span | undefined, level?: OAuthEventLevel, error?: unknown): void {
  if (span !== undefined) {
    // A copy without the client id: the span API does not promise to copy what it is given.
    const attrs: Record<string, string | number | boolean> = {};
    for (const k in attributes) {
      const v = attributes[k as keyof EventAttributes];
      if (v !== undefined && k !== ATTR_OAUTH_CLIENT_ID) attrs[k] = v;
    }
    span.addEvent(def.eventName, attrs);
  }
  if (eventsWanted(level ?? def.level)) emitEvent(def, attributes, level, error);
}

const grantTypes = new Vocabulary<GrantType>('grant_type', GRANT_TYPE);
const endpoints = new Vocabulary<ServerEndpoint>('endpoint', SERVER_ENDPOINT);
const registrationErrors = new Vocabulary('error', SERVER_REGISTRATION_ERROR);
const revocationReasons = new Vocabulary<GrantRevocationReason>('reason', GRANT_REVOCATION_REASON);

/** Fields every authorization-server call accepts. */
export interface ServerContext {
  /** `oauth.provider` of the log record: the AS's issuer or name. */
  provider?: string;
  /** The authenticated client (logged only when `logClientId` is on; never a label). */
  clientId?: string;
}

const clientId = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v.slice(0, 256) : undefined);
const status = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599 ? v : undefined);
/** A closed-vocabulary detail: short snake_case only, never free text. */
const reasonOf = (v: unknown) => (typeof v === 'string' && /^[a-z0-9_]{1,64}$/.test(v) ? v : undefined);

export interface ServerTokenIssuedInput extends ServerContext {
  grantType: GrantType | string;
}

/** A successful token response: `oauth_server_tokens_issued_total{grant_type}`. */
export const serverTokenIssued = recording<ServerTokenIssuedInput>('serverTokenIssued', (a) => {
  const g = grantTypes.normalizeQuiet(a.grantType);
  const m = metrics();
  m.add('serverTokensIssued', 1, m.attrs('serverTokensIssued', g));
  const span = recordingSpan();
  if (span === undefined && !eventsWanted(EVENTS.serverTokenIssued.level)) return;
  tokenIssuedEvent(span, g, a.provider, a.clientId);
});

function tokenIssuedEvent(span: Span | undefined, g: GrantType, providerInput: unknown, client: unknown): void {
  emit(EVENTS.serverTokenIssued, {
    [ATTR_OAUTH_PROVIDER]: provider(providerInput),
    [ATTR_OAUTH_ENDPOINT]: 'token',
    [ATTR_OAUTH_GRANT_TYPE]: g,
    [ATTR_OAUTH_OUTCOME]: 'success',
    [ATTR_OAUTH_CLIENT_ID]: clientId(client),
  }, span);
}

/**
 * @internal
 * serverTokenIssued() split for an adapter on the AS's hot path (internal: left out of the
 * package's `oauth` object and its reference in index.ts): counts the token, and returns whether its event is wanted (a log level that writes
 * it, or a recording span): `undefined` when not, so the caller reads the provider and client id
 * only when an event needs them (at `info` without a recording span: never). Then
 * serverTokenIssuedEvent() with the returned value writes the event. Never throws.
 */
export function countServerTokenIssued(grantType: unknown): TokenIssuedEvent | undefined {
  try {
    const g = grantTypes.normalizeQuiet(grantType);
    const m = metrics();
    m.add('serverTokensIssued', 1, m.attrs('serverTokensIssued', g));
    const span = recordingSpan();
    if (span === undefined && !eventsWanted(EVENTS.serverTokenIssued.level)) return undefined;
    return { span, grantType: g };
  } catch (err) {
    internalError('serverTokenIssued', err);
    return undefined;
  }
}

/** @internal What countServerTokenIssued() found: the span the event goes on (if any) and the grant label. */
export interface TokenIssuedEvent {
  span: Span | undefined;
  grantType: GrantType;
}

/** @internal The event of a token countServerTokenIssued() counted (it said the event is wanted). Never throws. */
export function serverTokenIssuedEvent(e: TokenIssuedEvent, a: ServerContext): void {
  try {
    tokenIssuedEvent(e.span, e.grantType, a.provider, a.clientId);
  } catch (err) {
    internalError('serverTokenIssued', err);
  }
}

/** A dynamic client registration succeeded: `oauth_server_client_registrations_total{status="success"}`. */
export const serverClientRegistered = recording<ServerContext>('serverClientRegistered', (a) => {
  const m = metrics();
  m.add('serverClientRegistrations', 1, m.attrs('serverClientRegistrations', 'success', 'none'));
  const span = recordingSpan();
  if (span === undefined && !eventsWanted(EVENTS.serverClientRegistered.level)) return;
  emit(EVENTS.serverClientRegistered, {
    [ATTR_OAUTH_PROVIDER]: provider(a.provider),
    [ATTR_OAUTH_ENDPOINT]: 'registration',
    [ATTR_OAUTH_OUTCOME]: 'success',
    [ATTR_OAUTH_CLIENT_ID]: clientId(a.clientId),
  }, span);
});

export interface ServerErrorInput extends ServerContext {
  endpoint: ServerEndpoint;
  /** The OAuth `error` of the response (`server_error` for an unhandled failure). */
  error: OAuthErrorCode | string;
  /** True for an unhandled server failure (logged at error level, with the error attached). */
  serverError?: boolean;
  /** True for a failed client registration request (also counts a registration failure). */
  registration?: boolean;
  /** Closed-vocabulary detail of why (snake_case), e.g. `refresh_token_reuse`. */
  reason?: string;
  grantType?: GrantType | string;
  httpStatus?: number;
  /** The thrown error of a server failure (redacted when written). */
  cause?: unknown;
}

/** An endpoint answered with an error: `oauth_server_errors_total{endpoint,error}`. */
export const serverError = recording<ServerErrorInput>('serverError', (a) => {
  const endpoint = endpoints.normalize(a.endpoint);
  const code = a.serverError === true ? 'server_error' : errorCodes.normalizeQuiet(a.error);
  const m = metrics();
  m.add('serverErrors', 1, m.attrs('serverErrors', endpoint, code));
  if (a.registration === true) m.add('serverClientRegistrations', 1, m.attrs('serverClientRegistrations', 'failure', registrationErrors.normalizeQuiet(code)));
  const span = recordingSpan();
  if (span === undefined && !eventsWanted()) return;
  emit(
    EVENTS.serverError,
    {
      [ATTR_OAUTH_PROVIDER]: provider(a.provider),
      [ATTR_OAUTH_ENDPOINT]: endpoint,
      [ATTR_OAUTH_ERROR]: code,
      [ATTR_OAUTH_REASON]: reasonOf(a.reason),
      [ATTR_OAUTH_OUTCOME]: 'failure',
      [ATTR_OAUTH_GRANT_TYPE]: a.grantType === undefined ? undefined : grantTypes.normalizeQuiet(a.grantType),
      [ATTR_OAUTH_CLIENT_ID]: clientId(a.clientId),
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: status(a.httpStatus),
    },
    span,
    a.serverError === true ? 'error' : 'warn',
    a.serverError === true ? a.cause : undefined,
  );
});

export interface ServerGrantRevokedInput extends ServerContext {
  reason: GrantRevocationReason;
}

/** A grant (token family) was revoked: `oauth_server_grant_revocations_total{reason}`. */
export const serverGrantRevoked = recording<ServerGrantRevokedInput>('serverGrantRevoked', (a) => {
  const reason = revocationReasons.normalize(a.reason);
  const m = metrics();
  m.add('serverGrantRevocations', 1, m.attrs('serverGrantRevocations', reason));
  const span = recordingSpan();
  if (span === undefined && !eventsWanted()) return;
  const security = reason === 'refresh_token_reuse' || reason === 'code_replay';
  emit(
    EVENTS.serverGrantRevoked,
    { [ATTR_OAUTH_PROVIDER]: provider(a.provider), [ATTR_OAUTH_REASON]: reason, [ATTR_OAUTH_CLIENT_ID]: clientId(a.clientId) },
    span,
    security ? 'warn' : 'info',
  );
});
