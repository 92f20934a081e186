/**
 * Dynamic client registration abuse (RFC 7591 §5), as the authorization server sees it:
 * registrations per source address within a window, redirect URIs on suspicious hosts, and
 * clients that register and never obtain a token. All state is bounded; source addresses stay
 * in the process (they key the windows, and only their class becomes a label).
 */
import { isIP } from 'node:net';
import { registrationAnomaly, registrationBySource } from '../../api/threats';
import type { SecurityContext } from '../../api/security';
import type { RegistrationSource } from '../../catalog/vocabularies';

export interface ResolvedRegistrationPolicy {
  /** Registrations one source may make per window before it is reported (once per window). */
  maxPerSource: number;
  windowMs: number;
  /** http: redirect URIs on hosts other than loopback are accepted without an event. */
  allowHttpRedirectUris: boolean;
  /** Redirect URIs whose host is an IP literal other than loopback are accepted without an event. */
  allowIpLiteralRedirectUris: boolean;
  /** A client with no token this long after its registration is reported as abandoned; 0 turns it off. */
  abandonedAfterMs: number;
  /** Sources and pending clients remembered (each map); the oldest are forgotten first. */
  maxTracked: number;
}

interface Window {
  start: number;
  count: number;
  reported: boolean;
}

export class RegistrationChecks {
  private readonly windows = new Map<string, Window>();
  /** clientId → registration time and context, oldest first (Map insertion order). */
  private readonly pending = new Map<string, { at: number; ctx: SecurityContext }>();

  constructor(private readonly policy: ResolvedRegistrationPolicy) {}

  clear(): void {
    this.windows.clear();
    this.pending.clear();
  }

  /** A registration the AS accepted. */
  registered(ip: string | undefined, clientId: string | undefined, redirectUris: readonly string[], ctx: SecurityContext): void {
    const now = Date.now();
    this.sweep(now);
    registrationBySource(sourceClass(ip));
    // Without an address there is no source to count (only its class, `unknown`).
    if (ip !== undefined) this.countSource(ip, now, ctx);
    let insecure = false;
    let ipLiteral = false;
    for (const uri of redirectUris.slice(0, 32)) {
      const host = httpHost(uri);
      if (host === undefined || isLoopback(host.name)) continue;
      if (host.http && !this.policy.allowHttpRedirectUris) insecure = true;
      if (isIP(host.name) !== 0 && !this.policy.allowIpLiteralRedirectUris) ipLiteral = true;
    }
    if (insecure) registrationAnomaly('insecure_redirect_uri', ctx);
    if (ipLiteral) registrationAnomaly('ip_literal_redirect_uri', ctx);
    if (clientId !== undefined && this.policy.abandonedAfterMs > 0) {
      this.pending.delete(clientId);
      if (this.pending.size >= this.policy.maxTracked) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(clientId, { at: now, ctx });
    }
  }

  /** Whether a registered client still waits for its first token (tokenIssued() has work). */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** A token was issued to `clientId`: it completed a flow. */
  tokenIssued(clientId: string | undefined): void {
    // Nearly every token goes to a client that was never pending: no clock read, no iterator then.
    if (this.pending.size === 0) return;
    if (clientId !== undefined) this.pending.delete(clientId);
    this.sweep(Date.now());
  }

  /** Reports the clients whose time ran out. Checked on the adapter's next registration or token. */
  private sweep(now: number): void {
    for (const [id, p] of this.pending) {
      if (now - p.at < this.policy.abandonedAfterMs) break;
      this.pending.delete(id);
      registrationAnomaly('abandoned', p.ctx);
    }
  }

  private countSource(source: string, now: number, ctx: SecurityContext): void {
    let w = this.windows.get(source);
    if (w === undefined || now - w.start >= this.policy.windowMs) {
      this.windows.delete(source);
      if (this.windows.size >= this.policy.maxTracked) this.windows.delete(this.windows.keys().next().value!);
      w = { start: now, count: 0, reported: false };
      this.windows.set(source, w);
    }
    w.count++;
    if (w.count > this.policy.maxPerSource && !w.reported) {
      w.reported = true;
      registrationAnomaly('rate_exceeded', ctx);
    }
  }
}

export function sourceClass(ip: string | undefined): RegistrationSource {
  if (ip === undefined) return 'unknown';
  const v = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const kind = isIP(v);
  if (kind === 4) {
    const [a, b] = v.split('.').map(Number) as [number, number];
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    return 'public';
  }
  if (kind === 6) {
    const l = v.toLowerCase();
    if (l === '::1') return 'loopback';
    if (/^f[cd]/.test(l) || /^fe[89ab]/.test(l)) return 'private';
    return 'public';
  }
  return 'unknown';
}

function httpHost(uri: string): { name: string; http: boolean } | undefined {
  if (typeof uri !== 'string' || uri.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined; // private-use schemes of native apps
  const name = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { name, http: u.protocol === 'http:' };
}

/** RFC 8252 §7.3: loopback redirect URIs of native apps may use http. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
