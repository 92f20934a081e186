/**
 * Route-handler plumbing: the session from the cookie, one response shape for the browser (303
 * back to the page, the result shown there) and for scripts (`Accept: application/json`), and a
 * catch-all that never lets an error (whose message or cause could hold a code or token) reach
 * Next.js's own error logging.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { config } from './config';
import { FlowError, HttpError } from './oauth';
import { decodeSession, SESSION_COOKIE, type Session } from './session';
import { store, type ActionResult } from './store';

export function sessionOf(request: NextRequest): Session | undefined {
  return decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
}

export function wantsJson(request: NextRequest): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json');
}

export function setResult(session: Session | undefined, r: Omit<ActionResult, 'at'>): ActionResult {
  const result = { ...r, at: Date.now() };
  if (session) store().results.set(session.sid, result);
  return result;
}

export function home(): URL {
  return new URL('/', config().appUrl);
}

export interface RespondOptions {
  status?: number;
  /** Where the browser goes next (default: the page). */
  redirect?: URL;
  /** Extra JSON fields for scripts. */
  extra?: Record<string, unknown>;
}

export function respond(request: NextRequest, session: Session | undefined, r: Omit<ActionResult, 'at'>, o: RespondOptions = {}): NextResponse {
  const result = setResult(session, r);
  const status = o.status ?? 200;
  if (wantsJson(request)) return NextResponse.json({ ok: status < 400, result, ...o.extra }, { status });
  return NextResponse.redirect(o.redirect ?? home(), 303);
}

/** Cross-site form posts are refused (the session cookie is SameSite=Lax as well). */
function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  return origin === null || origin === config().appUrl;
}

type Handler<C> = (request: NextRequest, session: Session | undefined, ctx: C) => Promise<NextResponse>;

export function action<C = unknown>(fn: Handler<C>, { requireSession = true } = {}) {
  return async (request: NextRequest, ctx: C): Promise<NextResponse> => {
    const session = sessionOf(request);
    try {
      if (request.method === 'POST' && !sameOrigin(request)) {
        return respond(request, undefined, { kind: 'warn', title: 'Cross-origin request refused' }, { status: 403 });
      }
      if (requireSession && !session) {
        return respond(request, undefined, { kind: 'warn', title: 'Pick a demo user first' }, { status: 401 });
      }
      return await fn(request, session, ctx);
    } catch (err) {
      if (err instanceof FlowError) return respond(request, session, err.result, { status: 400 });
      if (err instanceof HttpError) return respond(request, session, err.result, { status: err.status });
      // Log the type only: messages and causes of protocol errors can carry codes or state.
      store().telemetry?.logger?.warn('example: unexpected error in a route handler', {
        'error.type': err instanceof Error ? err.name : typeof err,
        path: new URL(request.url).pathname,
      });
      return respond(request, session, { kind: 'warn', title: 'Unexpected error', detail: err instanceof Error ? err.name : 'error' }, { status: 500 });
    }
  };
}

export async function formField(request: NextRequest, name: string): Promise<string | undefined> {
  return (await formFields(request, [name]))[name];
}

/** Several string fields of a form or JSON body (the body can be read once). */
export async function formFields<K extends string>(request: NextRequest, names: readonly K[]): Promise<Partial<Record<K, string>>> {
  const type = request.headers.get('content-type') ?? '';
  const out: Partial<Record<K, string>> = {};
  let get: ((name: K) => unknown) | undefined;
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    const form = await request.formData();
    get = (name) => form.get(name);
  } else if (type.includes('application/json')) {
    const o = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    get = (name) => (o !== null && typeof o === 'object' ? o[name] : undefined);
  }
  if (get) for (const name of names) {
    const v = get(name);
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}
