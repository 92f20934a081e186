/**
 * Tolerant readers of the values every token request reads (any shape, getters that throw,
 * proxies), one NAMED property access per reader.
 *
 * Why not one `prop(o, key)` helper: its `o[key]` is a single keyed load shared by every key and
 * every object shape, and in the example AS under load V8's IC log (--log-ic) shows it megamorphic
 * (state N for oidc, client, clientId, params, grant_type, querystring, issuer), so each read goes
 * through the global megamorphic stub cache, which the AS's own reads thrash between two token
 * requests. A named load here has its own inline cache, monomorphic on the one shape oidc-provider
 * gives it. (Measured: this alone did not move the e2e bench's listener time beyond its noise.)
 *
 * The generic `prop` stays for the rare paths (errors, registrations).
 */

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

type Rec = Record<string, unknown>;

/** `ctx.oidc` of a Koa ctx of oidc-provider. */
export function readOidc(ctx: unknown): unknown {
  if (!isObject(ctx)) return undefined;
  try {
    return (ctx as Rec).oidc;
  } catch {
    return undefined;
  }
}

/** `ctx.oidc.params`. */
export function readParams(oidc: unknown): unknown {
  if (!isObject(oidc)) return undefined;
  try {
    return (oidc as Rec).params;
  } catch {
    return undefined;
  }
}

/** `ctx.oidc.client`. */
export function readClient(oidc: unknown): unknown {
  if (!isObject(oidc)) return undefined;
  try {
    return (oidc as Rec).client;
  } catch {
    return undefined;
  }
}

/** `client.clientId`. */
export function readClientId(client: unknown): unknown {
  if (!isObject(client)) return undefined;
  try {
    return (client as Rec).clientId;
  } catch {
    return undefined;
  }
}

/** `params.grant_type`. */
export function readGrantType(params: unknown): unknown {
  if (!isObject(params)) return undefined;
  try {
    return (params as Rec).grant_type;
  } catch {
    return undefined;
  }
}

/** `params.client_assertion`. */
export function readClientAssertion(params: unknown): unknown {
  if (!isObject(params)) return undefined;
  try {
    return (params as Rec).client_assertion;
  } catch {
    return undefined;
  }
}

/** `ctx.querystring` (Koa). */
export function readQuerystring(ctx: unknown): unknown {
  if (!isObject(ctx)) return undefined;
  try {
    return (ctx as Rec).querystring;
  } catch {
    return undefined;
  }
}

/** `ctx.req` (Koa: the Node request). */
export function readReq(ctx: unknown): unknown {
  if (!isObject(ctx)) return undefined;
  try {
    return (ctx as Rec).req;
  } catch {
    return undefined;
  }
}

/** `req.url` of a Node request. */
export function readUrl(req: unknown): unknown {
  if (!isObject(req)) return undefined;
  try {
    return (req as Rec).url;
  } catch {
    return undefined;
  }
}

/**
 * `ctx.ip` (Koa), without Koa's side effect. Koa's `request.ip` getter caches its answer on the
 * request object under a private symbol (`this[IP] = this.ips[0] || this.socket.remoteAddress`):
 * a new property added to every refresh request's Koa request mid-request, a hidden-class change
 * that the AS's own code then meets on the rest of the request. The adapter must not change the
 * host's objects; this is not a measured saving (in the e2e bench a server with no IP read at all
 * cost the same as one with Koa's caching read, within its noise).
 * So the value is computed as Koa computes it, without storing it: the private symbol is found once
 * per prototype (by Koa's own `ip` setter on a probe object), a value already there (cached by an
 * earlier read, or set by the app) is Koa's answer, else `ips[0] || socket.remoteAddress`. A ctx
 * that is not Koa's (no `request` with such an `ip`) is read as `ctx.ip`.
 */
export function readIp(ctx: unknown): unknown {
  if (!isObject(ctx)) return undefined;
  try {
    const request = (ctx as Rec).request;
    if (isObject(request)) {
      const sym = koaIpSymbol(request);
      if (sym !== undefined) {
        const set = (request as Record<symbol, unknown>)[sym];
        if (set) return set;
        const ips = (request as Rec).ips;
        const first = Array.isArray(ips) ? (ips[0] as unknown) : undefined;
        if (first) return first;
        const socket = (request as Rec).socket;
        const address = isObject(socket) ? (socket as Rec).remoteAddress : undefined;
        return address || '';
      }
    }
    return (ctx as Rec).ip;
  } catch {
    return undefined;
  }
}

/** The prototype last probed and the symbol Koa's `ip` setter stores under (null: not Koa's). */
let probedProto: object | null | undefined;
let probedSymbol: symbol | null = null;
const PROBE = '\u0000oauth-otel-ip-probe';

/** The private symbol Koa's request `ip` accessor caches under, or undefined when `request` is not a Koa request. */
function koaIpSymbol(request: object): symbol | undefined {
  const proto = Object.getPrototypeOf(request) as object | null;
  if (proto !== probedProto) {
    probedProto = proto;
    probedSymbol = null;
    // Koa: ctx.request → app.request → Koa's request prototype, which has the ip accessor and ips.
    let holder = proto;
    let desc: PropertyDescriptor | undefined;
    for (let depth = 0; holder !== null && depth < 4 && desc === undefined; depth++) {
      desc = Object.getOwnPropertyDescriptor(holder, 'ip');
      if (desc === undefined) holder = Object.getPrototypeOf(holder) as object | null;
    }
    if (holder !== null && desc !== undefined && typeof desc.get === 'function' && typeof desc.set === 'function' && Object.getOwnPropertyDescriptor(holder, 'ips')?.get !== undefined) {
      const probe = Object.create(holder) as Record<string | symbol, unknown>;
      desc.set.call(probe, PROBE);
      const own = Object.getOwnPropertySymbols(probe);
      if (own.length === 1 && probe[own[0]!] === PROBE && Object.getOwnPropertyNames(probe).length === 0) probedSymbol = own[0]!;
    }
  }
  return probedSymbol ?? undefined;
}

/** `provider.issuer`. */
export function readIssuer(provider: unknown): unknown {
  if (!isObject(provider)) return undefined;
  try {
    return (provider as Rec).issuer;
  } catch {
    return undefined;
  }
}

/** `model.jti` of a model event. */
export function readJti(model: unknown): unknown {
  if (!isObject(model)) return undefined;
  try {
    return (model as Rec).jti;
  } catch {
    return undefined;
  }
}

/** The request ctx of a model event: oidc-provider keeps it in AsyncLocalStorage (`Provider.ctx`). */
export function readCurrentCtx(provider: unknown): unknown {
  if (!isObject(provider)) return undefined;
  try {
    const cls = (provider as Rec).constructor;
    return isObject(cls) ? (cls as unknown as Rec).ctx : undefined;
  } catch {
    return undefined;
  }
}
