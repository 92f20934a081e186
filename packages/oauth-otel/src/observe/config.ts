import { OAuthTelemetryConfigError } from '../errors';
import { checkKeys, checkObject, describe, optBool, optStringArray } from '../internal/validate';
import { issuerKey } from './routes';
import type { ResolvedObserve } from './types';

const KEYS = ['enabled', 'issuers'] as const;
export const OBSERVE_ENV = 'OAUTH_OTEL_OBSERVE';

/**
 * `observe: true | false | { enabled, issuers }`, on when unset: the one-line `initTelemetry()`
 * records a client's OAuth steps. `OAUTH_OTEL_OBSERVE=off` (or `false`, `0`) turns the observer
 * off whatever the code says: the operator's switch wins. `on` cannot override the code's `false`.
 */
export function resolveObserve(v: unknown): ResolvedObserve {
  let enabled = true;
  let issuers: ReadonlySet<string> | undefined;
  if (typeof v === 'boolean') enabled = v;
  else if (v !== undefined) {
    checkObject(v, 'observe');
    const o = v as Record<string, unknown>;
    checkKeys(o, KEYS, 'observe');
    enabled = optBool(o.enabled, 'observe.enabled') ?? true;
    const list = optStringArray(o.issuers, 'observe.issuers');
    if (list !== undefined) {
      const keys = new Set<string>();
      for (const s of list) {
        let u: URL;
        try {
          u = new URL(s);
        } catch {
          throw new OAuthTelemetryConfigError('observe.issuers', 'an array of http(s) issuer URLs', describe(s));
        }
        if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OAuthTelemetryConfigError('observe.issuers', 'an array of http(s) issuer URLs', describe(s));
        keys.add(issuerKey(u.href));
      }
      issuers = keys;
    }
  }
  const env = process.env[OBSERVE_ENV];
  if (env !== undefined && env.trim() !== '') {
    const e = env.trim().toLowerCase();
    if (e === 'off' || e === 'false' || e === '0') enabled = false;
    else if (e !== 'on' && e !== 'true' && e !== '1') throw new OAuthTelemetryConfigError(OBSERVE_ENV, 'on, off, true, false, 1 or 0', describe(env));
  }
  return { enabled, issuers };
}
