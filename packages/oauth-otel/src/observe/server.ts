import { subscribeChannels } from './channels';
import type { Observer } from './observer';

/**
 * The app's own HTTP server, for one thing only: a 3xx whose Location is a learned authorization
 * endpoint is an authorization request this process sent a browser to (server-side web apps).
 * Every other response costs a status comparison; no request or body is read.
 */

type Res = { statusCode?: unknown; getHeader?: (name: string) => unknown; _header?: unknown };

/** Longest header block scanned for Location. */
const HEADER_BLOCK_CAP = 16 * 1024;
type Msg = { response?: Res };

export function subscribeServer(observer: Observer): () => void {
  return subscribeChannels<Msg>({
    'http.server.response.finish'(m) {
      const res = m.response;
      const status = res?.statusCode;
      if (typeof status !== 'number' || status < 300 || status >= 400 || !observer.routes.hasAuthorizationEndpoints()) return;
      const location = locationOf(res!);
      if (location !== undefined) observer.authorizationRedirect(location);
    },
  });
}

/**
 * Location set with setHeader() (frameworks, Next.js), else from the sent header block: headers
 * given to writeHead(status, headers) are written without being kept for getHeader().
 */
function locationOf(res: Res): string | undefined {
  const set = typeof res.getHeader === 'function' ? res.getHeader('location') : undefined;
  if (typeof set === 'string') return set;
  const block = res._header;
  if (typeof block !== 'string' || block.length > HEADER_BLOCK_CAP) return undefined;
  const at = block.toLowerCase().indexOf('\r\nlocation:');
  if (at === -1) return undefined;
  const end = block.indexOf('\r\n', at + 2);
  return block.slice(at + 11, end === -1 ? undefined : end).trim();
}
