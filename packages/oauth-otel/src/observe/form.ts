/**
 * The few fields the observer reads from an `application/x-www-form-urlencoded` token request.
 * One linear pass over the bytes; only the listed names are decoded, everything else (codes,
 * verifiers, client secrets, assertions) is skipped without being copied.
 */
export interface TokenRequestFields {
  grant_type?: string;
  refresh_token?: string;
  scope?: string;
  resource?: string;
  /** Not a secret (RFC 6749 §2.2); sent in the body by public and client_secret_post clients. */
  client_id?: string;
  /** PKCE verifier: only hashed to its S256 challenge (public) to find the authorization request. */
  code_verifier?: string;
}

const WANTED: ReadonlySet<string> = new Set(['grant_type', 'refresh_token', 'scope', 'resource', 'client_id', 'code_verifier']);

export function parseTokenRequest(text: string): TokenRequestFields {
  const out: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  // Both cursors only move forward: a body of '&&&…' or '===…' stays one pass.
  let eq = -1;
  while (i < n) {
    let amp = text.indexOf('&', i);
    if (amp === -1) amp = n;
    if (eq < i && eq !== n) {
      eq = text.indexOf('=', i);
      if (eq === -1) eq = n;
    }
    if (eq < amp) {
      const name = text.slice(i, eq);
      // The first occurrence wins, as in RFC 6749 §3.2 (repeated parameters are invalid anyway).
      if (WANTED.has(name) && out[name] === undefined) {
        const v = decode(text.slice(eq + 1, amp));
        if (v !== undefined) out[name] = v;
      }
    }
    i = amp + 1;
  }
  return out;
}

function decode(v: string): string | undefined {
  try {
    return decodeURIComponent(v.indexOf('+') === -1 ? v : v.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
