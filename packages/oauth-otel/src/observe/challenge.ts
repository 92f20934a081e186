import { LIMITS } from './types';

/**
 * The parameters of the Bearer challenge in a `WWW-Authenticate` header (RFC 6750 §3, RFC 9728
 * §5.1): one linear pass, bounded input, unknown schemes and params skipped.
 */
export interface BearerChallenge {
  resource_metadata?: string;
  error?: string;
  scope?: string;
}

const WANTED: ReadonlySet<string> = new Set(['resource_metadata', 'error', 'scope']);

export function parseBearerChallenge(header: string): BearerChallenge | undefined {
  if (header.length > LIMITS.headerValue) return undefined;
  let i = 0;
  const n = header.length;
  let inBearer = false;
  let found: BearerChallenge | undefined;
  while (i < n) {
    // skip separators
    let c = header.charCodeAt(i);
    while (i < n && (c === 32 || c === 9 || c === 44)) c = header.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && isTchar(header.charCodeAt(i))) i++;
    if (i === start) {
      i++; // not a token character: skip it
      continue;
    }
    const token = header.slice(start, i);
    let j = i;
    while (j < n && (header.charCodeAt(j) === 32 || header.charCodeAt(j) === 9)) j++;
    if (j < n && header.charCodeAt(j) === 61 /* = */) {
      // auth-param (or the padding of a token68, which has no value worth reading)
      i = j + 1;
      while (i < n && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
      let value: string;
      if (i < n && header.charCodeAt(i) === 34 /* " */) {
        i++;
        let v = '';
        let from = i;
        while (i < n && header.charCodeAt(i) !== 34) {
          if (header.charCodeAt(i) === 92 /* \ */ && i + 1 < n) {
            v += header.slice(from, i);
            from = i + 1;
            i += 2;
            continue;
          }
          i++;
        }
        value = v + header.slice(from, i);
        i++; // closing quote
      } else {
        const vs = i;
        while (i < n && isTchar(header.charCodeAt(i))) i++;
        value = header.slice(vs, i);
      }
      const name = token.toLowerCase();
      if (inBearer && WANTED.has(name) && found !== undefined && found[name as keyof BearerChallenge] === undefined) {
        found[name as keyof BearerChallenge] = value;
      }
      continue;
    }
    // a new challenge: its scheme
    inBearer = token.toLowerCase() === 'bearer';
    if (inBearer && found === undefined) found = {};
    else if (inBearer) inBearer = false; // only the first Bearer challenge counts
  }
  return found;
}

function isTchar(c: number): boolean {
  // RFC 9110 tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~" (token68 adds "/" — read as part of a token here)
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === 33 || c === 35 || c === 36 || c === 37 || c === 38 || c === 39 || c === 42 || c === 43 ||
    c === 45 || c === 46 || c === 94 || c === 95 || c === 96 || c === 124 || c === 126 || c === 47
  );
}
