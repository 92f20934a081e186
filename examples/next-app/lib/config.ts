/**
 * Configuration from the environment, read at run time (never inlined at build time).
 *
 * AUTH_SERVER_ISSUER and METRICS_TOKEN are the names docker-compose.yml passes; the others have
 * defaults that work with `node examples/auth-server/src/main.mjs` on its default port.
 */

export type ServerId = 'main' | 'mixup' | 'noiss' | 'downgrade';

export interface ServerConfig {
  id: ServerId;
  name: string;
  /** The MCP server (protected resource) the client is configured with; discovery starts here. */
  resourceUrl: string;
  /** What the demo shows with it. */
  description: string;
  /** Set when the server is not configured (the button explains how to start it). */
  missing?: string;
}

export interface AppConfig {
  /** Public origin of this app (redirect_uri, redirects after actions). */
  appUrl: string;
  redirectUri: string;
  /**
   * The CIMD client_id: the https URL of this app's client ID metadata document (served by
   * /api/oauth/client-metadata). CIMD_CLIENT_ID, else `${APP_URL}/api/oauth/client-metadata` when
   * APP_URL is https; unset otherwise (the AS only fetches https documents).
   */
  cimdClientId?: string;
  servers: ServerConfig[];
  scheduledRefreshIntervalMs: number;
  /** Tokens expiring within this window are refreshed by the scheduled job (and counted as expiring soon). */
  refreshAheadMs: number;
  stateTtlMs: number;
  stateCleanupIntervalMs: number;
  /** Demo users of the client app (the AS has the same two accounts with these passwords). */
  demoUsers: Readonly<Record<string, string>>;
}

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds`);
  return Math.round(n * 1000);
}

function origin(name: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL`);
  return u.origin;
}

function resourceFor(issuerEnv: string, resourceEnv?: string): string | undefined {
  const resource = resourceEnv ? process.env[resourceEnv] : undefined;
  if (resource) return new URL(resource).href;
  const issuer = process.env[issuerEnv];
  return issuer ? `${origin(issuerEnv, issuer)}/mcp` : undefined;
}

export const CIMD_DOCUMENT_PATH = '/api/oauth/client-metadata';

function cimdId(appUrl: string): string | undefined {
  const raw = process.env.CIMD_CLIENT_ID;
  if (raw === undefined || raw.trim() === '') return appUrl.startsWith('https:') ? `${appUrl}${CIMD_DOCUMENT_PATH}` : undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error('CIMD_CLIENT_ID must be an absolute https URL');
  }
  // draft-ietf-oauth-client-id-metadata-document: https, with a path, no fragment
  if (u.protocol !== 'https:' || u.pathname === '/' || u.hash) throw new Error('CIMD_CLIENT_ID must be an https URL with a path and no fragment');
  return u.href;
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  if (cached) return cached;
  const appUrl = origin('APP_URL', process.env.APP_URL || `http://127.0.0.1:${process.env.PORT || 3000}`);
  const main = resourceFor('AUTH_SERVER_ISSUER', 'MCP_RESOURCE_URL') ?? 'http://127.0.0.1:4000/mcp';
  const mixup = resourceFor('WRONG_ISS_AUTH_SERVER_ISSUER');
  const downgrade = resourceFor('NO_S256_AUTH_SERVER_ISSUER');
  const noIss = resourceFor('NO_ISS_AUTH_SERVER_ISSUER');
  const cimdClientId = cimdId(appUrl);
  cached = Object.freeze({
    appUrl,
    redirectUri: `${appUrl}/api/oauth/callback`,
    ...(cimdClientId ? { cimdClientId } : {}),
    servers: [
      {
        id: 'main',
        name: 'Example MCP server',
        resourceUrl: main,
        description: 'Honest authorization server: the full flow, refresh with rotation, revocation.',
      },
      {
        id: 'mixup',
        name: 'Mix-up server (wrong iss)',
        resourceUrl: mixup ?? '',
        description: 'Its authorization responses carry another issuer in iss (RFC 9207): the client rejects the code.',
        ...(mixup ? {} : { missing: 'set WRONG_ISS_AUTH_SERVER_ISSUER (an auth server started with VARIANT=wrong-iss)' }),
      },
      {
        id: 'noiss',
        name: 'Mix-up server (no iss)',
        resourceUrl: noIss ?? '',
        description: 'Its authorization responses carry no iss, which MCP 2026-07-28 requires (RFC 9207): the client rejects the code.',
        ...(noIss ? {} : { missing: 'set NO_ISS_AUTH_SERVER_ISSUER (an auth server started with VARIANT=no-iss)' }),
      },
      {
        id: 'downgrade',
        name: 'Downgrade server (no S256)',
        resourceUrl: downgrade ?? '',
        description: 'Its metadata offers only PKCE plain: the client refuses to start the flow.',
        ...(downgrade ? {} : { missing: 'set NO_S256_AUTH_SERVER_ISSUER (an auth server started with VARIANT=no-s256)' }),
      },
    ] satisfies ServerConfig[],
    scheduledRefreshIntervalMs: seconds('SCHEDULED_REFRESH_INTERVAL_SECONDS', 60),
    refreshAheadMs: seconds('REFRESH_AHEAD_SECONDS', 300),
    stateTtlMs: seconds('PKCE_STATE_TTL_SECONDS', 600),
    stateCleanupIntervalMs: seconds('PKCE_CLEANUP_INTERVAL_SECONDS', 60),
    demoUsers: Object.freeze({ alice: 'alice-password', bob: 'bob-password' }),
  });
  return cached;
}

export function server(id: string): ServerConfig | undefined {
  return config().servers.find((s) => s.id === id);
}
