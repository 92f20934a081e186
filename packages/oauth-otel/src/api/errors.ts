import { errorCodes } from './common';
import type { OAuthErrorCode } from '../catalog/vocabularies';

/**
 * The registered OAuth `error` code carried by a thrown value, else `other`. Understands
 * oauth4webapi's ResponseBodyError / AuthorizationResponseError (`.error`), openid-client's
 * wrappers (`.cause.error`), oidc-provider's OIDCProviderError (`.error`) and plain objects.
 */
export function oauthErrorCode(err: unknown): OAuthErrorCode | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur !== null && typeof cur === 'object'; depth++) {
    let e: unknown;
    try {
      e = (cur as { error?: unknown }).error;
    } catch {
      return undefined;
    }
    if (typeof e === 'string') return errorCodes.normalizeQuiet(e);
    try {
      cur = (cur as { cause?: unknown }).cause;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** True for errors that mean the request never got an HTTP answer (DNS, refused, reset, timeout). */
export function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|UND_ERR_\w+)$/.test(code)) return true;
  return err.name === 'TimeoutError' || err.name === 'AbortError' || (err.name === 'TypeError' && err.message === 'fetch failed');
}
