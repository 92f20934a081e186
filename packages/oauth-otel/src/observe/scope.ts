/** Most scope values kept from one scope string: a hostile `scope` cannot grow a set further. */
export const SCOPES_CAP = 256;

/** The values of a space-delimited `scope` (RFC 6749 §3.3), at most SCOPES_CAP. */
export function scopeSet(scope: string): Set<string> {
  const out = new Set<string>();
  for (const s of scope.split(' ')) if (s !== '' && out.size < SCOPES_CAP) out.add(s);
  return out;
}
