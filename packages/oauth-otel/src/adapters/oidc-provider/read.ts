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
 * `ctx.ip` (Koa). Koa's ctx.ip is a delegate of `ctx.request.ip` (the `delegates` package: a
 * getter doing `this[target][name]`, generic keyed loads that are megamorphic in a busy AS and
 * took a fifth of this read in the example AS), so the request's own getter is read first; a ctx
 * without a `request` whose `ip` is a non-empty string falls back to `ctx.ip`.
 */
export function readIp(ctx: unknown): unknown {
  if (!isObject(ctx)) return undefined;
  try {
    const request = (ctx as Rec).request;
    if (isObject(request)) {
      const ip = (request as Rec).ip;
      if (typeof ip === 'string' && ip.length > 0) return ip;
    }
    return (ctx as Rec).ip;
  } catch {
    return undefined;
  }
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
