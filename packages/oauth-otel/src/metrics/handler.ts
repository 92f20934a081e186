import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OAuthTelemetryConfigError } from '../errors';
import { peekShared, setShared } from '../internal/registry';
import { noticeOnce, reportDrop } from '../internal/diag';
import { describe, METRICS_TOKEN_PATTERN } from '../internal/validate';
import { describeThrown } from '../internal/safe';
import { OPENMETRICS_CONTENT_TYPE, serializeOpenMetrics, wantsOpenMetrics } from './openmetrics';

/** Prometheus text exposition 0.0.4, the format every Prometheus (and promtool) reads. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Same floor as initTelemetry's `metrics.token`: a shorter bearer token is guessable. */
export const MIN_METRICS_TOKEN_LENGTH = 16;
/** Longer Authorization headers are refused before hashing (no bearer token is this long). */
const MAX_AUTH_HEADER = 4096;

/**
 * Time one collection may take. It bounds every observable callback on the MeterProvider (the
 * app's own too: the provider is global), so a callback that never settles is skipped and
 * reported instead of holding this and every later scrape; the outer bound (plus a margin) covers
 * anything else that hangs and lets the next scrape start a fresh collection. Tests shorten it.
 */
export const collectionBudget = { ms: 5000 };

export interface MetricsHandlerOptions {
  /**
   * Bearer token scrapes must present (`Authorization: Bearer <token>`, exactly once), at least 16
   * visible ASCII characters, no spaces. Compared in constant time. Without a token (undefined or empty, e.g. an unset
   * `process.env.METRICS_TOKEN`) every request is refused, unless `allowUnauthenticated` is true.
   */
  token?: string | undefined;
  /** Serve metrics without a token (only for a route reachable from the scraper alone). Default false. */
  allowUnauthenticated?: boolean;
}

type Exposition = { status: number; body: string; headers: Record<string, string> };

/** Where the exporter registered by initTelemetry() lives (process-wide, like the recorder). */
export interface MetricsEndpoint {
  exporter: PrometheusExporter;
  serializer: PrometheusSerializer;
  /** target_info off (the OpenMetrics serializer follows the same choice). */
  withoutTargetInfo: boolean;
}

export function setMetricsEndpoint(e: MetricsEndpoint | undefined): void {
  setShared('metricsEndpoint', e);
}

function endpoint(): MetricsEndpoint | undefined {
  return peekShared<MetricsEndpoint>('metricsEndpoint');
}

export function newSerializer(withoutTargetInfo: boolean): PrometheusSerializer {
  return new PrometheusSerializer('', false, undefined, withoutTargetInfo, true);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** How a handler decides who may read: a token digest, open by explicit choice, or closed. */
type Access = { kind: 'token'; expected: Buffer } | { kind: 'open' } | { kind: 'closed' };

const TEXT = 'text/plain; charset=utf-8';
const CLOSED: Exposition = { status: 403, body: 'forbidden: no metrics token is configured\n', headers: { 'content-type': TEXT } };
const UNAUTHORIZED: Exposition = { status: 401, body: 'unauthorized\n', headers: { 'content-type': TEXT, 'www-authenticate': 'Bearer' } };
const NOT_ALLOWED: Exposition = { status: 405, body: 'method not allowed\n', headers: { 'content-type': TEXT, allow: 'GET, HEAD' } };

/** Validates the handler options once, at creation: bad configuration fails fast, coded. */
export function resolveAccess(options: unknown): Access {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OAuthTelemetryConfigError('options', 'an object { token?, allowUnauthenticated? }', describe(options));
  }
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'token' && k !== 'allowUnauthenticated') throw new OAuthTelemetryConfigError(`options.${k}`, 'one of the options token, allowUnauthenticated', 'an unknown option');
  }
  const { token, allowUnauthenticated } = o;
  if (allowUnauthenticated !== undefined && typeof allowUnauthenticated !== 'boolean') {
    throw new OAuthTelemetryConfigError('options.allowUnauthenticated', 'true or false', describe(allowUnauthenticated));
  }
  if (token !== undefined && token !== '') {
    // Visible ASCII only: a token with spaces, CR/LF or non-ASCII characters could never match
    // what arrives in a header (trimmed, latin1-decoded), so it would lock every scraper out.
    if (typeof token !== 'string' || !METRICS_TOKEN_PATTERN.test(token)) {
      throw new OAuthTelemetryConfigError('options.token', `a string of at least ${MIN_METRICS_TOKEN_LENGTH} visible ASCII characters (no spaces)`, typeof token === 'string' ? `a string of ${token.length} characters` : describe(token));
    }
    return { kind: 'token', expected: digest(token) };
  }
  if (allowUnauthenticated === true) return { kind: 'open' };
  noticeOnce('metrics-closed', 'a metrics handler was created without a token: it refuses every request (403). Pass { token } (16+ visible ASCII characters) or { allowUnauthenticated: true }');
  return { kind: 'closed' };
}

function authorized(header: unknown, access: Access): boolean {
  if (access.kind === 'open') return true;
  if (access.kind === 'closed') return false;
  if (typeof header !== 'string' || header.length > MAX_AUTH_HEADER || !/^Bearer\s+/i.test(header)) return false;
  // Digests of equal length, so timingSafeEqual compares in constant time whatever was sent.
  return timingSafeEqual(digest(header.replace(/^Bearer\s+/i, '').trim()), access.expected);
}

/**
 * Collections in flight, by exporter and format: concurrent scrapes share one collection and one
 * serialization, so a scrape storm costs the app one collection at a time, not one per request.
 */
const inflight = [new WeakMap<PrometheusExporter, Promise<Exposition>>(), new WeakMap<PrometheusExporter, Promise<Exposition>>()] as const;

function collectShared(e: MetricsEndpoint, openMetrics: boolean): Promise<Exposition> {
  const pending = inflight[openMetrics ? 1 : 0];
  let p = pending.get(e.exporter);
  if (p === undefined) {
    const mine = withinBudget(collect(e, openMetrics));
    p = mine.finally(() => {
      if (pending.get(e.exporter) === mine) pending.delete(e.exporter);
    });
    pending.set(e.exporter, mine);
  }
  return p;
}

const TIMED_OUT: Exposition = { status: 503, body: '# oauth-otel: metrics collection timed out\n', headers: { 'content-type': METRICS_CONTENT_TYPE } };

/** The collection, or 503 once its budget (plus a margin for serialization) has passed. */
function withinBudget(p: Promise<Exposition>): Promise<Exposition> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Exposition>((resolve) => {
    timer = setTimeout(() => {
      reportDrop('metrics', 'timeout', 'metrics-collect-timeout', `a metrics collection did not finish within ${collectionBudget.ms * 2} ms; the scrape was answered 503`);
      resolve(TIMED_OUT);
    }, collectionBudget.ms * 2);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function collect(e: MetricsEndpoint, openMetrics: boolean): Promise<Exposition> {
  try {
    const { resourceMetrics, errors } = await e.exporter.collect({ timeoutMillis: collectionBudget.ms });
    if (errors.length) reportCollectionErrors(errors);
    // OpenMetrics has no free comments: collection errors are told in the text format only.
    const body = openMetrics
      ? serializeOpenMetrics(resourceMetrics, e.withoutTargetInfo)
      : e.serializer.serialize(resourceMetrics) + (errors.length ? `# oauth-otel: ${errors.length} collection error(s)\n` : '');
    return { status: 200, body, headers: { 'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : METRICS_CONTENT_TYPE, 'cache-control': 'no-store' } };
  } catch {
    return { status: 500, body: '# oauth-otel: metrics collection failed\n', headers: { 'content-type': METRICS_CONTENT_TYPE } };
  }
}

function reportCollectionErrors(errors: readonly unknown[]): void {
  const timeouts = errors.filter((err) => describeThrown(err) === 'TimeoutError').length;
  if (timeouts) reportDrop('metrics', 'timeout', 'metrics-callback-timeout', `${timeouts} observable callback(s) did not settle within ${collectionBudget.ms} ms and were skipped in a scrape`, timeouts);
  if (errors.length > timeouts) reportDrop('metrics', 'invalid_value', 'metrics-callback-error', 'an observable callback failed during a scrape; the rest was exported', errors.length - timeouts);
}

async function expose(method: unknown, authHeader: unknown, access: Access, accept: unknown): Promise<Exposition> {
  if (method !== 'GET' && method !== 'HEAD') return NOT_ALLOWED;
  if (access.kind === 'closed') return CLOSED;
  if (!authorized(authHeader, access)) return UNAUTHORIZED;
  const e = endpoint();
  if (e === undefined) {
    return { status: 503, body: '# oauth-otel: initTelemetry() has not started metrics in this process\n', headers: { 'content-type': METRICS_CONTENT_TYPE } };
  }
  return collectShared(e, wantsOpenMetrics(accept));
}

const FAILED: Exposition = { status: 500, body: '', headers: {} };

/**
 * A Web-standard route handler (`Request` → `Response`) for frameworks without Node response
 * objects, e.g. a Next.js App Router `app/api/metrics/route.ts`:
 * `export const GET = createMetricsHandler({ token: process.env.METRICS_TOKEN })`. GET and
 * HEAD only; closed (403) without a token unless `allowUnauthenticated: true`. A scraper whose
 * Accept prefers `application/openmetrics-text` (Prometheus does) gets OpenMetrics 1.0, with the
 * duration histograms' exemplars (trace and span ids); any other gets the 0.0.4 text format.
 */
export function createMetricsHandler(options: MetricsHandlerOptions = {}): (request: Request) => Promise<Response> {
  const access = resolveAccess(options);
  return async (request: Request) => {
    let method: unknown;
    let r: Exposition;
    try {
      method = request.method;
      r = await expose(method, request.headers.get('authorization'), access, request.headers.get('accept'));
    } catch {
      r = FAILED;
    }
    return new Response(method === 'HEAD' ? null : r.body, { status: r.status, headers: r.headers });
  };
}

/**
 * The Authorization header, or undefined when the request carries it more than once: Node keeps
 * only the first, while a proxy in front may have checked another, so an ambiguous request is
 * refused rather than resolved by position. (The Web `Headers` joins repeats with ", ", which
 * never matches a token.)
 */
function singleAuthorization(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') seen++;
  return seen === 1 ? req.headers.authorization : undefined;
}

/** A `node:http` / Express request listener serving the same exposition (same access rules). */
export function metricsRequestListener(options: MetricsHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const access = resolveAccess(options);
  return (req, res) => {
    let method: unknown;
    let answer: Promise<Exposition>;
    try {
      method = req.method;
      answer = expose(method, singleAuthorization(req), access, req.headers.accept);
    } catch {
      answer = Promise.resolve(FAILED);
    }
    void answer.then(
      (r) => {
        try {
          res.writeHead(r.status, r.headers);
          res.end(method === 'HEAD' ? undefined : r.body);
        } catch {
          /* the response is gone (client closed): nothing to answer */
        }
      },
      () => {
        try {
          res.writeHead(500);
          res.end();
        } catch {
          /* as above */
        }
      },
    );
  };
}
