/**
 * The example's in-memory state (one process; a real app would use a database).
 *
 * Next.js compiles instrumentation.ts and the route handlers into different module graphs, so a
 * module-level Map would exist twice: the scheduled refresh started from instrumentation.ts would
 * see other connections than the routes (the seed's defect 17). Everything lives on globalThis
 * under a registered symbol instead, so both graphs share one store.
 */
import type { TelemetryHandle } from 'oauth-otel';
import type * as oauth from 'oauth4webapi';
import type { ServerId } from './config';

export interface PendingState {
  /** Random part of the `state` value; also the flow id given to oauth-otel (fingerprinted in logs). */
  nonce: string;
  userId: string;
  sessionId: string;
  serverId: ServerId;
  issuer: string;
  resource: string;
  codeVerifier: string;
  /** How the client got its client_id for this flow. */
  route: RegistrationRoute;
  /** Set when this flow re-authorizes a connection for a step-up (403 insufficient_scope). */
  stepUp?: StepUpContinuation;
  createdAt: number;
  expiresAt: number;
  /** The callback rejected it already (the flow was recorded as finished). */
  rejected?: boolean;
}

/** `dcr`: RFC 7591 registration (deprecated by MCP 2026-07-28); `cimd`: a Client ID Metadata Document URL. */
export type RegistrationRoute = 'dcr' | 'cimd';

export interface StepUpContinuation {
  connectionId: string;
  /** The scoped path of the MCP server to call again once re-authorized. */
  path: string;
  /** Re-authorizations made so far for this step-up (1 for the first). */
  attempt: number;
}

export interface Registration {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Absent for a CIMD client (public, token_endpoint_auth_method none). */
  clientSecret?: string;
  route: RegistrationRoute;
  registeredAt: number;
}

export type ConnectionStatus = 'active' | 'reauthorization_required' | 'revoked';

export interface Connection {
  id: string;
  userId: string;
  serverId: ServerId;
  issuer: string;
  resource: string;
  route: RegistrationRoute;
  status: ConnectionStatus;
  accessToken?: string;
  refreshToken?: string;
  expiresAt: number;
  scope: string;
  createdAt: number;
  /** Refresh-token generation (0 = from the code exchange). */
  generation: number;
  lastRefreshAt?: number;
  /** Fingerprints (sha-256) of refresh tokens this client already rotated, with the rotation time. */
  rotated: Map<string, number>;
  /** Set when the AS answered invalid_grant to an already-rotated refresh token. */
  reuseDetectedAt?: number;
  /** Serializes refreshes of this connection: two in flight would look like a replay to the AS. */
  lock: Promise<unknown>;
}

export type ResultKind = 'ok' | 'info' | 'warn' | 'alert';

export interface ActionResult {
  kind: ResultKind;
  title: string;
  detail?: string;
  /** Metric series and log events the action lit up (shown in the UI). */
  signals?: string[];
  at: number;
}

export interface ScheduledRunSummary {
  at: number;
  refreshed: number;
  failed: number;
  expiringSoon: number;
  durationMs: number;
  trigger: 'interval' | 'button';
}

export interface Store {
  pending: Map<string, PendingState>;
  /** Nonces of states already used at the callback (replay detection), with the time of use. */
  consumed: Map<string, number>;
  /** Nonces of states the cleanup job removed as expired (a late callback is still `expired`). */
  expired: Map<string, { at: number; issuer: string }>;
  registrations: Map<string, Registration>;
  connections: Map<string, Connection>;
  /** Last action result per session id. */
  results: Map<string, ActionResult>;
  lastScheduledRun?: ScheduledRunSummary;
  scheduledRun?: Promise<ScheduledRunSummary>;
  lastCleanup?: { at: number; removed: number };
  jobsStarted?: boolean;
  keys?: { session: Buffer; state: Buffer };
  /** Set by instrumentation.ts: the package's logger for the example's own (redacted) log lines. */
  telemetry?: TelemetryHandle;
}

const KEY = Symbol.for('oauth-otel.example-next-app.store.v1');

export function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  return (g[KEY] ??= {
    pending: new Map(),
    consumed: new Map(),
    expired: new Map(),
    registrations: new Map(),
    connections: new Map(),
    results: new Map(),
  });
}
