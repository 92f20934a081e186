/** The page's data, also served as JSON by /api/state. Never contains a token, code or state. */
import { config } from './config';
import { countActiveTokens, countExpiringSoon } from './jobs';
import type { Session } from './session';
import { store, type ActionResult, type ConnectionStatus, type ScheduledRunSummary } from './store';

export interface ConnectionView {
  id: string;
  owner: string;
  serverId: string;
  issuer: string;
  resource: string;
  /** dcr or cimd: how the client got its client_id. */
  route: string;
  status: ConnectionStatus;
  scope: string;
  expiresInSeconds: number | null;
  generation: number;
  hasRefreshToken: boolean;
  reuseDetected: boolean;
}

export interface ViewModel {
  user: string | null;
  users: string[];
  appUrl: string;
  /** The CIMD client_id (this app's metadata document URL), when configured. */
  cimdClientId: string | null;
  servers: { id: string; name: string; resourceUrl: string; description: string; missing?: string }[];
  connections: ConnectionView[];
  otherUsersConnections: number;
  pendingStates: number;
  activeTokens: number;
  expiringSoon: number;
  lastScheduledRun: ScheduledRunSummary | null;
  lastCleanup: { at: number; removed: number } | null;
  result: ActionResult | null;
  settings: { scheduledRefreshIntervalSeconds: number; refreshAheadSeconds: number; stateTtlSeconds: number; stateCleanupIntervalSeconds: number };
}

export function viewModel(session: Session | undefined): ViewModel {
  const c = config();
  const s = store();
  const now = Date.now();
  const all = [...s.connections.values()].sort((a, b) => b.createdAt - a.createdAt);
  return {
    user: session?.user ?? null,
    users: Object.keys(c.demoUsers),
    appUrl: c.appUrl,
    cimdClientId: c.cimdClientId ?? null,
    servers: c.servers.map(({ id, name, resourceUrl, description, missing }) => ({ id, name, resourceUrl, description, ...(missing ? { missing } : {}) })),
    connections: all
      .filter((x) => x.userId === session?.user)
      .map((x) => ({
        id: x.id,
        owner: x.userId,
        serverId: x.serverId,
        issuer: x.issuer,
        resource: x.resource,
        route: x.route,
        status: x.status,
        scope: x.scope,
        expiresInSeconds: x.status === 'active' ? Math.round((x.expiresAt - now) / 1000) : null,
        generation: x.generation,
        hasRefreshToken: x.refreshToken !== undefined,
        reuseDetected: x.reuseDetectedAt !== undefined,
      })),
    otherUsersConnections: all.filter((x) => session !== undefined && x.userId !== session.user).length,
    pendingStates: s.pending.size,
    activeTokens: countActiveTokens(now),
    expiringSoon: countExpiringSoon(now),
    lastScheduledRun: s.lastScheduledRun ?? null,
    lastCleanup: s.lastCleanup ?? null,
    result: (session && s.results.get(session.sid)) ?? null,
    settings: {
      scheduledRefreshIntervalSeconds: c.scheduledRefreshIntervalMs / 1000,
      refreshAheadSeconds: c.refreshAheadMs / 1000,
      stateTtlSeconds: c.stateTtlMs / 1000,
      stateCleanupIntervalSeconds: c.stateCleanupIntervalMs / 1000,
    },
  };
}
