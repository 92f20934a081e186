import { resourceMetadataSpoofing, tokenInUrl } from '../api/threats';
import { fingerprint } from '../internal/fingerprint';
import { secretQueryParameters } from '../redaction/query-names';
import { BoundedMap } from './bounded';

/**
 * What outgoing traffic shows about spoofed discovery and leaked credentials: protected-resource
 * metadata (RFC 9728) that names another resource or swaps its authorization servers, a
 * challenge that sends the client to another origin's metadata, and secrets in request URLs.
 */

const PRM = '/.well-known/oauth-protected-resource';
const RESOURCES_CAP = 256;

export class SpoofingChecks {
  /** Metadata URL → fingerprint of its sorted authorization_servers, from the last document. */
  private readonly authServers = new BoundedMap<string, string>(RESOURCES_CAP);

  /** A request URL with a query: report secret parameter names (the values are never read). */
  url(origin: string, path: string, q: number): void {
    const hash = path.indexOf('#', q);
    const parameters = secretQueryParameters(hash === -1 ? path.slice(q + 1) : path.slice(q + 1, hash));
    if (parameters.length > 0) tokenInUrl({ side: 'client', parameters, provider: origin });
  }

  /** A Bearer challenge from `origin` naming `resourceMetadata`: metadata on another origin is not the resource's. */
  challenge(origin: string, resourceMetadata: string): void {
    const at = originOf(resourceMetadata);
    // A value that is no URL is the client's problem to refuse, not evidence of another origin.
    if (at !== undefined && at !== origin) resourceMetadataSpoofing(origin, 'cross_origin_resource_metadata');
  }

  /**
   * A protected-resource metadata document fetched from `origin` + `path`. RFC 9728 §3.3: its
   * `resource` must be the identifier the metadata URL was built from. A document at the root
   * (the MCP fallback for a resource with a path) only has to stay on its own origin.
   */
  metadata(origin: string, path: string, resource: string | undefined, servers: readonly string[] | undefined): void {
    const q = path.indexOf('?');
    const clean = q === -1 ? path : path.slice(0, q);
    const suffix = clean.startsWith(PRM) ? clean.slice(PRM.length) : '';
    if (resource !== undefined) {
      const mismatch = suffix === '' || suffix === '/' ? originOf(resource) !== origin : trimSlash(resource) !== trimSlash(origin + suffix);
      if (mismatch) resourceMetadataSpoofing(origin, 'resource_mismatch');
    }
    if (servers !== undefined) {
      const key = origin + clean;
      const now = fingerprint([...servers].map(trimSlash).sort().join(' '));
      const before = this.authServers.get(key);
      this.authServers.set(key, now);
      if (before !== undefined && before !== now) resourceMetadataSpoofing(origin, 'authorization_servers_changed');
    }
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function trimSlash(s: string): string {
  return s.length > 1 && s.charCodeAt(s.length - 1) === 47 ? s.slice(0, -1) : s;
}
