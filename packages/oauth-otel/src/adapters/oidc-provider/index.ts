/**
 * `oauth-otel/oidc-provider`: authorization-server instrumentation for node-oidc-provider 9.
 *
 *   import { instrumentOidcProvider } from 'oauth-otel/oidc-provider';
 *   const { detach } = instrumentOidcProvider(provider, { raceWindowMs: 2000 });
 *
 * It only listens to the Provider's events (`provider.on` / `provider.off`); it never imports
 * oidc-provider and never changes what the server answers. Event semantics are those observed
 * on 9.13.3 (examples/auth-server/EVENTS.md): listener arguments are `(ctx, err)` for endpoint
 * errors, `(ctx)` for grant.success, `(ctx, grantId)` for grant.revoked and `(model)` for model
 * events. Every listener is wrapped so that nothing it does can throw into the server.
 */
import { internalError } from '../../api/common';
import { OAuthTelemetryConfigError } from '../../errors';
import { noticeOnce } from '../../internal/diag';
import { configGuard } from '../../internal/safe';
import { Instrumentation, type ResolvedOptions } from './instrumentation';
import { ERROR_EVENTS } from './tables';
import type { OidcProviderInstrumentation, OidcProviderInstrumentationOptions, OidcProviderLike } from './types';

export type { OidcProviderInstrumentation, OidcProviderInstrumentationOptions, OidcProviderLike, RegistrationPolicyOptions } from './types';
import type { ResolvedRegistrationPolicy } from './registration';

type Listener = (...args: unknown[]) => void;

const DEFAULT_RACE_WINDOW_MS = 2000;
const DEFAULT_MAX_TRACKED = 10_000;

const attached = new WeakSet<object>();

/**
 * Instruments an oidc-provider `Provider`: AS metrics (`oauth_server_*`), security events through
 * the package API (refresh-token reuse, code replay, PKCE, redirect_uri and client mismatch,
 * secrets in request URLs, client assertions whose audience is not the issuer, and dynamic
 * registration abuse under the `registration` policy) and `oauth_server_*` log records. Call it before the provider serves requests (for the example
 * AS: in `onProvider`). Returns `{ detach }`.
 */
export const instrumentOidcProvider = configGuard('instrumentOidcProvider', instrument);

function instrument(
  provider: OidcProviderLike,
  options: OidcProviderInstrumentationOptions = {},
): OidcProviderInstrumentation {
  if (provider === null || typeof provider !== 'object' || typeof (provider as { on?: unknown }).on !== 'function') {
    throw new OAuthTelemetryConfigError('provider', 'an oidc-provider Provider (an EventEmitter with on/off)', provider === null ? 'null' : `a ${typeof provider}`);
  }
  const cfg = resolveOptions(options);
  if (attached.has(provider)) {
    noticeOnce('oidc-provider-twice', 'instrumentOidcProvider() was called again for the same provider; the second call adds nothing');
    return { detach() {} };
  }
  attached.add(provider);
  const inst = new Instrumentation(provider, cfg);
  const added: [string, Listener][] = [];
  const add = (event: string, listener: Listener) => {
    provider.on(event, listener);
    added.push([event, listener]);
  };
  const on = (event: string, body: (a: unknown, b: unknown) => void) => {
    const call = `oidc-provider:${event}`;
    // Inline try/catch, two fixed arguments: no closure or rest array per event on the AS's hot path.
    const listener: Listener = (a, b) => {
      try {
        body(a, b);
      } catch (err) {
        internalError(call, err);
      }
    };
    provider.on(event, listener);
    added.push([event, listener]);
  };

  for (const [event, endpoint] of Object.entries(ERROR_EVENTS)) on(event, (a, b) => inst.endpointError(event, endpoint, a, b));
  on('server_error', (a, b) => inst.endpointError('server_error', undefined, a, b));
  // The two events of every successful token request call the Instrumentation directly (one
  // function less per event than `on`'s body closure: cold code between two requests of a busy AS).
  add('grant.success', (ctx) => {
    try {
      inst.grantSuccess(ctx);
    } catch (err) {
      internalError('oidc-provider:grant.success', err);
    }
  });
  add('refresh_token.consumed', (model) => {
    try {
      inst.refreshTokenConsumed(model);
    } catch (err) {
      internalError('oidc-provider:refresh_token.consumed', err);
    }
  });
  on('grant.revoked', (ctx, grantId) => inst.grantRevoked(ctx, grantId));
  on('registration_create.success', (ctx, client) => inst.registrationSuccess(ctx, client));
  // authorization.success is deliberately not observed: its `out` argument carries the code.

  let detached = false;
  return {
    detach() {
      if (detached) return;
      detached = true;
      for (const [event, listener] of added) {
        try {
          if (typeof provider.off === 'function') provider.off(event, listener);
          else if (typeof provider.removeListener === 'function') provider.removeListener(event, listener);
        } catch {
          /* a provider that cannot remove listeners: nothing else to do */
        }
      }
      added.length = 0;
      inst.clear();
      attached.delete(provider);
    },
  };
}

function resolveOptions(o: unknown): ResolvedOptions {
  if (o === undefined || o === null) o = {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new OAuthTelemetryConfigError('options', 'an object', Array.isArray(o) ? 'an array' : `a ${typeof o}`);
  const v = o as Record<string, unknown>;
  const known = ['raceWindowMs', 'raceRequiresSameIp', 'maxTrackedRefreshTokens', 'providerName', 'registration'];
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new OAuthTelemetryConfigError(`options.${k}`, `one of the options ${known.join(', ')}`, 'an unknown option');
  }
  const int = (x: unknown, name: string, min: number, max: number, dflt: number) => {
    if (x === undefined) return dflt;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) throw new OAuthTelemetryConfigError(`options.${name}`, `an integer from ${min} to ${max}`, typeof x === 'number' ? String(x) : `a ${typeof x}`);
    return x;
  };
  if (v.raceRequiresSameIp !== undefined && typeof v.raceRequiresSameIp !== 'boolean') {
    throw new OAuthTelemetryConfigError('options.raceRequiresSameIp', 'true or false', `a ${typeof v.raceRequiresSameIp}`);
  }
  if (v.providerName !== undefined && (typeof v.providerName !== 'string' || v.providerName === '')) {
    throw new OAuthTelemetryConfigError('options.providerName', 'a non-empty string', `a ${typeof v.providerName}`);
  }
  return {
    raceWindowMs: int(v.raceWindowMs, 'raceWindowMs', 0, 600_000, DEFAULT_RACE_WINDOW_MS),
    raceRequiresSameIp: v.raceRequiresSameIp !== false,
    maxTracked: int(v.maxTrackedRefreshTokens, 'maxTrackedRefreshTokens', 1, 1_000_000, DEFAULT_MAX_TRACKED),
    providerName: v.providerName as string | undefined,
    registration: resolveRegistration(v.registration, int),
  };
}

type IntReader = (x: unknown, name: string, min: number, max: number, dflt: number) => number;

function resolveRegistration(o: unknown, int: IntReader): ResolvedRegistrationPolicy {
  if (o === undefined || o === null) o = {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new OAuthTelemetryConfigError('options.registration', 'an object', Array.isArray(o) ? 'an array' : `a ${typeof o}`);
  const v = o as Record<string, unknown>;
  const known = ['maxPerSource', 'windowMs', 'allowHttpRedirectUris', 'allowIpLiteralRedirectUris', 'abandonedAfterMs', 'maxTracked'];
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new OAuthTelemetryConfigError(`options.registration.${k}`, `one of the options ${known.join(', ')}`, 'an unknown option');
  }
  const bool = (x: unknown, name: string) => {
    if (x === undefined) return false;
    if (typeof x !== 'boolean') throw new OAuthTelemetryConfigError(`options.registration.${name}`, 'true or false', `a ${typeof x}`);
    return x;
  };
  return {
    maxPerSource: int(v.maxPerSource, 'registration.maxPerSource', 1, 1_000_000, 20),
    windowMs: int(v.windowMs, 'registration.windowMs', 1000, 86_400_000, 60_000),
    allowHttpRedirectUris: bool(v.allowHttpRedirectUris, 'allowHttpRedirectUris'),
    allowIpLiteralRedirectUris: bool(v.allowIpLiteralRedirectUris, 'allowIpLiteralRedirectUris'),
    abandonedAfterMs: int(v.abandonedAfterMs, 'registration.abandonedAfterMs', 0, 30 * 86_400_000, 3_600_000),
    maxTracked: int(v.maxTracked, 'registration.maxTracked', 1, 1_000_000, 10_000),
  };
}

