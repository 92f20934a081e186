// oidc-provider 9.x event names and a recorder that captures every event a Provider emits.
// The recorder exists for tests and for writing EVENTS.md; it is not instrumentation.

/** Endpoint error events, emitted as (ctx, err) by the shared error handler. */
export const ENDPOINT_ERROR_EVENTS = [
  'authorization.error',
  'backchannel_authentication.error',
  'challenge.error',
  'code_verification.error',
  'credential.error',
  'device_authorization.error',
  'device_resume.error',
  'discovery.error',
  'end_session.error',
  'end_session_confirm.error',
  'end_session_success.error',
  'grant.error',
  'introspection.error',
  'jwks.error',
  'openid_credential_issuer.error',
  'pushed_authorization_request.error',
  'registration_create.error',
  'registration_delete.error',
  'registration_read.error',
  'registration_update.error',
  'revocation.error',
  'userinfo.error',
  'server_error',
];

export const SUCCESS_EVENTS = [
  'authorization.accepted',
  'authorization.success',
  'grant.success',
  'device_authorization.success',
  'end_session.success',
  'pushed_authorization_request.success',
  'registration_create.success',
  'registration_update.success',
  'registration_delete.success',
  'backchannel.success',
  'backchannel.error',
];

export const LIFECYCLE_EVENTS = [
  'grant.saved',
  'grant.destroyed',
  'grant.revoked',
  'interaction.started',
  'interaction.ended',
  'interaction.saved',
  'interaction.destroyed',
];

const MODEL_EVENTS = {
  access_token: ['saved', 'issued', 'destroyed'],
  authorization_code: ['saved', 'consumed', 'destroyed'],
  refresh_token: ['saved', 'consumed', 'destroyed'],
  client_credentials: ['saved', 'issued', 'destroyed'],
  device_code: ['saved', 'consumed', 'destroyed'],
  backchannel_authentication_request: ['saved', 'consumed', 'destroyed'],
  pre_authorized_code: ['saved', 'consumed', 'destroyed'],
  pushed_authorization_request: ['saved', 'destroyed'],
  initial_access_token: ['saved', 'destroyed'],
  registration_access_token: ['saved', 'destroyed'],
  replay_detection: ['saved', 'destroyed'],
  session: ['saved', 'destroyed'],
};

export const MODEL_LIFECYCLE_EVENTS = Object.entries(MODEL_EVENTS)
  .flatMap(([kind, names]) => names.map((n) => `${kind}.${n}`));

/** The 72 events listed in oidc-provider's docs/events.md (v9). */
export const PROVIDER_EVENTS = Object.freeze([
  ...ENDPOINT_ERROR_EVENTS,
  ...SUCCESS_EVENTS,
  ...LIFECYCLE_EVENTS,
  ...MODEL_LIFECYCLE_EVENTS,
]);

function isKoaCtx(value) {
  return value !== null && typeof value === 'object' && 'request' in value && 'response' in value && 'app' in value;
}

function describeCtx(ctx) {
  const out = { method: ctx.method, path: ctx.path, status: ctx.status };
  try {
    const { oidc } = ctx;
    if (oidc) {
      out.route = oidc.route;
      out.clientId = oidc.client?.clientId;
      out.entities = Object.keys(oidc.entities ?? {}).sort();
      const params = oidc.params;
      if (params) {
        out.grantType = params.grant_type;
      }
    }
  } catch {
    // ctx.oidc getters can throw on malformed requests; the record simply lacks them
  }
  return out;
}

function describeError(err) {
  return {
    name: err.name,
    error: err.error,
    error_description: err.error_description,
    // oidc-provider's internal reason (never sent to the client), e.g. 'refresh token already used'
    error_detail: err.error_detail,
    status: err.statusCode ?? err.status,
    expose: err.expose,
    message: err.message,
    cause: err.cause instanceof Error ? err.cause.message : err.cause,
  };
}

function describeModel(model) {
  return {
    kind: model.kind,
    jti: model.jti,
    clientId: model.clientId,
    accountId: model.accountId,
    grantId: model.grantId,
    gty: model.gty,
    consumed: model.consumed,
    rotations: model.rotations,
    scope: model.scope,
    resource: model.resource,
    aud: model.aud,
    format: model.format,
  };
}

function describeArg(arg) {
  if (arg === null || arg === undefined) return { type: String(arg) };
  if (typeof arg === 'string') return { type: 'string', value: arg };
  if (isKoaCtx(arg)) return { type: 'ctx', ...describeCtx(arg) };
  if (arg instanceof Error) return { type: 'error', ...describeError(arg) };
  if (typeof arg === 'object' && typeof arg.kind === 'string' && 'jti' in arg) {
    return { type: 'model', ...describeModel(arg) };
  }
  if (typeof arg === 'object' && typeof arg.clientId === 'string' && typeof arg.metadata === 'function') {
    return { type: 'client', clientId: arg.clientId, clientAuthMethod: arg.clientAuthMethod };
  }
  if (typeof arg === 'object' && typeof arg.name === 'string' && Array.isArray(arg.reasons)) {
    return { type: 'prompt', name: arg.name, reasons: [...arg.reasons] };
  }
  if (typeof arg === 'object') return { type: 'object', keys: Object.keys(arg).sort() };
  return { type: typeof arg };
}

/**
 * Records every event `provider` emits (by wrapping `provider.emit`, so events missing from
 * PROVIDER_EVENTS are caught too). Each record: { seq, name, args: [described args], alsRoute }.
 * `alsRoute` is the route of the request in oidc-provider's AsyncLocalStorage (`Provider.ctx`)
 * at emit time: model events carry no ctx argument but can reach the request this way.
 */
export function recordProviderEvents(provider) {
  const events = [];
  const original = provider.emit;
  let seq = 0;
  provider.emit = function emit(name, ...args) {
    if (typeof name === 'string') {
      let alsRoute;
      try {
        alsRoute = provider.constructor.ctx?.oidc?.route;
      } catch {
        alsRoute = undefined;
      }
      const record = { seq: seq++, name, args: args.map(describeArg), alsRoute };
      // the original arguments, non-enumerable so that test output and JSON stay small
      Object.defineProperty(record, 'raw', { value: args, enumerable: false });
      events.push(record);
    }
    return original.call(this, name, ...args);
  };
  return {
    events,
    /** Event names in order, optionally only those matching `filter` (a RegExp or predicate). */
    names(filter) {
      const pick = typeof filter === 'function' ? filter : filter ? (n) => filter.test(n) : () => true;
      return events.filter((e) => pick(e.name)).map((e) => e.name);
    },
    clear() {
      events.length = 0;
    },
    stop() {
      provider.emit = original;
    },
  };
}
