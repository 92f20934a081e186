import { subscribeChannels } from './channels';
import { Exchange } from './exchange';
import type { Observer } from './observer';

/**
 * The http / https client modules through their diagnostics channels. Their bodies are not
 * visible without touching the app's streams, so exchanges seen here are recorded from the
 * status alone (discovery, registration, revocation and challenges; token requests are skipped).
 */

type Req = { protocol?: unknown; host?: unknown; path?: unknown; getHeader?: (name: string) => unknown };
type Msg = { request?: Req; response?: { statusCode?: unknown; headers?: Record<string, unknown> }; error?: unknown };

const STARTS_CAP = 1024;

export function subscribeHttp(observer: Observer): () => void {
  const exchanges = new WeakMap<object, Exchange>();
  /** Start times kept only until the response (as in undici.ts: no WeakMap entry per request). */
  const starts = new Map<object, number>();

  const handlers: Record<string, (m: Msg) => void> = {
    'http.client.request.start'(m) {
      const r = m.request;
      if (typeof r !== 'object' || r === null) return;
      const origin = originOf(r);
      const path = typeof r.path === 'string' ? r.path : '';
      const q = origin === undefined ? -1 : path.indexOf('?');
      if (q !== -1) observer.url(origin!, path, q);
      const route = origin === undefined ? undefined : observer.routes.classify(origin, path);
      if (route === undefined) {
        if (starts.size >= STARTS_CAP) starts.delete(starts.keys().next().value!);
        starts.set(r, performance.now());
      } else exchanges.set(r, new Exchange(route, false, origin!, route.kind === 'resource_metadata' ? path : ''));
    },
    'http.client.response.finish'(m) {
      const r = m.request as object;
      const status = typeof m.response?.statusCode === 'number' ? m.response.statusCode : 0;
      const ex = exchanges.get(r);
      if (ex === undefined) {
        const start = starts.get(r);
        if (start === undefined) return;
        starts.delete(r);
        if (status === 401 || status === 403) {
          const www = m.response?.headers?.['www-authenticate'];
          const origin = originOf(m.request as Req);
          const path = (m.request as Req).path;
          if (typeof www === 'string' && origin !== undefined) observer.challenge(origin, typeof path === 'string' ? path : '', www, performance.now() - start, status);
        }
        return;
      }
      exchanges.delete(r);
      ex.status = status;
      observer.recorder.finish(ex, false);
    },
    'http.client.request.error'(m) {
      const r = m.request as object;
      starts.delete(r);
      const ex = exchanges.get(r);
      if (ex === undefined) return;
      exchanges.delete(r);
      observer.recorder.finish(ex, true);
    },
  };

  return subscribeChannels<Msg>(handlers);
}

/** `protocol//host[:port]` from the Host header the request will send (it carries the port). */
function originOf(r: Req): string | undefined {
  const protocol = r.protocol === 'https:' ? 'https:' : r.protocol === 'http:' ? 'http:' : undefined;
  if (protocol === undefined) return undefined;
  const host = typeof r.getHeader === 'function' ? r.getHeader('host') : undefined;
  const h = typeof host === 'string' ? host : typeof r.host === 'string' ? r.host : undefined;
  if (h === undefined) return undefined;
  // The Host header omits default ports, as URL.origin does.
  return `${protocol}//${h.toLowerCase()}`;
}
