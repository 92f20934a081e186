import { OTHER, TOKEN_IN_URL_PARAMETER, type TokenInUrlParameter } from '../catalog/vocabularies';
import { createKeyTable, K_SECRET } from './keys';

/**
 * Which secret parameters a URL query carries, by name only: the names go through the same key
 * classifier as redaction (words.ts), the values are never looked at. `code` and `state` are
 * ambiguous there and legitimate in authorization responses, so they do not count; nor does
 * `id_token_hint`, which OIDC RP-initiated logout sends in the query by design.
 */

/** Characters of a query read, and parameters classified: a hostile URL costs a bounded scan. */
export const QUERY_SCAN_LIMIT = 8 * 1024;
export const QUERY_PARAMS_LIMIT = 64;

const ALLOWED_IN_QUERY = ['id_token_hint', 'login_hint_token'];
const keys = createKeyTable([], ALLOWED_IN_QUERY, () => false);
const KNOWN: ReadonlySet<string> = new Set(TOKEN_IN_URL_PARAMETER);

/**
 * The secret parameter names of `query` (the part after `?`, without a fragment), each once, as
 * label values: a listed name, else `other`. Linear in min(length, QUERY_SCAN_LIMIT).
 */
export function secretQueryParameters(query: string): TokenInUrlParameter[] {
  const out: TokenInUrlParameter[] = [];
  const n = Math.min(query.length, QUERY_SCAN_LIMIT);
  let i = 0;
  let params = 0;
  while (i < n && params < QUERY_PARAMS_LIMIT) {
    let end = query.indexOf('&', i);
    if (end === -1 || end > n) end = n;
    const eq = query.indexOf('=', i);
    const nameEnd = eq !== -1 && eq < end ? eq : end;
    // A name without a value (`?access_token`) carries nothing; an empty value neither.
    if (nameEnd > i && nameEnd < end - 1) {
      const name = decodeName(query.slice(i, nameEnd));
      if (name !== undefined && (keys.classify(name) & K_SECRET) !== 0) {
        const lower = name.toLowerCase();
        const p = (KNOWN.has(lower) ? lower : OTHER) as TokenInUrlParameter;
        if (!out.includes(p)) out.push(p);
      }
    }
    params++;
    i = end + 1;
  }
  return out;
}

function decodeName(raw: string): string | undefined {
  if (raw.length > 128) return undefined;
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
