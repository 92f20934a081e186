import { subscribeChannels } from './channels';
import { Exchange } from './exchange';
import type { Observer } from './observer';

/**
 * fetch / undici through diagnostics_channel (Node 24's bundled undici, and any npm undici: the
 * channels are process-wide by name). Requests that are not OAuth cost one Map lookup at create
 * and one WeakMap lookup per later message. A subscriber that throws would break the app's
 * request, so every handler is wrapped.
 */

type Msg = { request?: unknown; response?: { statusCode?: unknown; headers?: unknown }; chunk?: unknown; error?: unknown };
type Req = { origin?: unknown; path?: unknown; headers?: unknown };

/** Requests between create and headers whose start time is kept (a challenge's duration). */
const STARTS_CAP = 1024;

export function subscribeUndici(observer: Observer): () => void {
  const exchanges = new WeakMap<object, Exchange>();
  /** OAuth exchanges in flight: while 0, body-chunk messages return before any lookup. */
  let live = 0;
  /**
   * Start times of the other requests, kept only until their headers arrive: a plain Map whose
   * entries are short-lived (a WeakMap entry per request cost ~5 µs in GC work under load).
   */
  const starts = new Map<object, number>();

  const handlers: Record<string, (m: Msg) => void> = {
    'undici:request:create'(m) {
      const r = m.request as Req;
      if (typeof r !== 'object' || r === null) return;
      const origin = typeof r.origin === 'string' ? r.origin : String(r.origin);
      const path = typeof r.path === 'string' ? r.path : '';
      const q = path.indexOf('?');
      if (q !== -1) observer.url(origin, path, q);
      const route = observer.routes.classify(origin, path);
      if (route === undefined) {
        if (starts.size >= STARTS_CAP) starts.delete(starts.keys().next().value!);
        starts.set(r, performance.now());
      } else {
        const ex = new Exchange(route, true, origin, route.kind === 'resource_metadata' ? path : '');
        if (route.kind === 'token') ex.clientId = basicClientId(headerValue(r.headers, 'authorization'));
        exchanges.set(r, ex);
        live++;
      }
    },
    'undici:request:bodyChunkSent'(m) {
      if (live !== 0) exchanges.get(m.request as object)?.request?.push(m.chunk);
    },
    'undici:request:headers'(m) {
      const ex = live !== 0 ? exchanges.get(m.request as object) : undefined;
      if (ex === undefined) {
        const r = m.request as Req;
        const start = starts.get(r as object);
        if (start === undefined) return;
        starts.delete(r as object);
        const status = typeof m.response?.statusCode === 'number' ? m.response.statusCode : 0;
        if (status === 401 || status === 403) {
          const www = headerValue(m.response?.headers, 'www-authenticate');
          if (www !== undefined) observer.challenge(String(r.origin), typeof r.path === 'string' ? r.path : '', www, performance.now() - start, status);
        }
        return;
      }
      ex.status = typeof m.response?.statusCode === 'number' ? m.response.statusCode : 0;
      ex.contentEncoding = headerValue(m.response?.headers, 'content-encoding')?.trim().toLowerCase();
    },
    'undici:request:bodyChunkReceived'(m) {
      if (live !== 0) exchanges.get(m.request as object)?.response?.push(m.chunk);
    },
    'undici:request:trailers'(m) {
      if (live === 0) return;
      const ex = exchanges.get(m.request as object);
      if (ex === undefined) return;
      exchanges.delete(m.request as object);
      live--;
      observer.recorder.finish(ex, false);
    },
    'undici:request:error'(m) {
      starts.delete(m.request as object);
      if (live === 0) return;
      const ex = exchanges.get(m.request as object);
      if (ex === undefined) return;
      exchanges.delete(m.request as object);
      live--;
      // An error after the headers (aborted body) still has an HTTP answer: a failure with its status.
      observer.recorder.finish(ex, ex.status === 0);
    },
  };

  return subscribeChannels<Msg>(handlers);
}

/** First value of a header in undici's flat [name, value, …] array of Buffers (or strings). */
function headerValue(headers: unknown, lowerName: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  const len = lowerName.length;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as unknown;
    if (name === undefined || name === null) continue;
    if ((name as { length?: unknown }).length !== len) continue;
    const s = typeof name === 'string' ? name : Buffer.isBuffer(name) ? name.toString('latin1') : undefined;
    if (s === undefined || s.toLowerCase() !== lowerName) continue;
    const v = headers[i + 1] as unknown;
    return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : undefined;
  }
  return undefined;
}

/**
 * The client_id of `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749
 * §2.3.1). The secret half is never decoded into a string of its own.
 */
function basicClientId(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 4096 || !/^basic /i.test(value)) return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64');
  const colon = decoded.indexOf(58);
  const id = (colon === -1 ? decoded : decoded.subarray(0, colon)).toString('utf8');
  decoded.fill(0);
  try {
    return decodeURIComponent(id.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
