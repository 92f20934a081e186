/**
 * Span names of an OAuth flow (client side) and the span-only attribute names. Span attributes
 * reuse the log attribute names of attributes.ts (one `oauth.*` namespace for both signals); every
 * value is a closed-vocabulary label, a number or a keyed fingerprint, never caller text.
 */

/** The whole authorization flow: from flowStarted() to flowCompleted(), across the browser redirect. */
export const SPAN_OAUTH_FLOW = 'oauth.flow' as const;
/** The authorization redirect (the app sends the browser to the AS): an instant child of the flow. */
export const SPAN_OAUTH_AUTHORIZE = 'oauth.authorize' as const;
/** The callback request, continuing the flow's trace; state validation is an event on it. */
export const SPAN_OAUTH_CALLBACK = 'oauth.callback' as const;
/** Metadata discovery (401 challenge, RFC 9728, RFC 8414 / OIDC). */
export const SPAN_OAUTH_DISCOVERY = 'oauth.discovery' as const;
/** RFC 7591 dynamic client registration. */
export const SPAN_OAUTH_REGISTRATION = 'oauth.client_registration' as const;
/** The authorization code exchange at the token endpoint. */
export const SPAN_OAUTH_CODE_EXCHANGE = 'oauth.code_exchange' as const;
/** One refresh_token grant. */
export const SPAN_OAUTH_TOKEN_REFRESH = 'oauth.token_refresh' as const;
/** Token revocation (RFC 7009). */
export const SPAN_OAUTH_REVOCATION = 'oauth.token_revocation' as const;
/** One scheduled-refresh run: its refreshes are its children, one span per token. */
export const SPAN_OAUTH_SCHEDULED_REFRESH = 'oauth.scheduled_refresh' as const;

export const OAUTH_SPAN_NAMES = Object.freeze([
  SPAN_OAUTH_FLOW,
  SPAN_OAUTH_AUTHORIZE,
  SPAN_OAUTH_CALLBACK,
  SPAN_OAUTH_DISCOVERY,
  SPAN_OAUTH_REGISTRATION,
  SPAN_OAUTH_CODE_EXCHANGE,
  SPAN_OAUTH_TOKEN_REFRESH,
  SPAN_OAUTH_REVOCATION,
  SPAN_OAUTH_SCHEDULED_REFRESH,
] as const);
export type OAuthSpanName = (typeof OAUTH_SPAN_NAMES)[number];

/** Span event: the callback's state was checked (the state value itself never appears). */
export const SPAN_EVENT_STATE_VALIDATED = 'oauth.state_validated' as const;

/** OTel semantic convention `error.type`: an OAuth error code or a closed failure class. */
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** The flow ended without flowCompleted() (evicted after its TTL or by the cap). */
export const ATTR_OAUTH_FLOW_ABANDONED = 'oauth.flow.abandoned' as const;
/** The callback ran where the flow's trace context was not kept (other process, expired): linked only. */
export const ATTR_OAUTH_FLOW_CONTINUED = 'oauth.flow.continued' as const;
