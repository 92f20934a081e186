/** The MCP SDK tests' in-memory OAuthClientProvider, as an MCP client app writes one. */
export const REDIRECT = 'http://127.0.0.1:9999/callback';

export type Tokens = { access_token: string; refresh_token?: string };

export interface MemoryProviderOptions {
  clientName?: string;
  /** A Client ID Metadata Document URL: auth() uses it as client_id when the AS supports CIMD. */
  clientMetadataUrl?: string;
  /** `none` for a public (CIMD) client; default client_secret_basic. */
  tokenEndpointAuthMethod?: string;
}

/** Every secret the SDK hands the provider goes to `keep` (the leak gate searches for them). */
export function memoryProvider(keep: (s: unknown) => void, options: MemoryProviderOptions = {}) {
  const state: { client?: Record<string, unknown> | undefined; tokens?: Tokens | undefined; verifier?: string; redirect?: URL } = {};
  const provider = {
    ...(options.clientMetadataUrl !== undefined ? { clientMetadataUrl: options.clientMetadataUrl } : {}),
    get redirectUrl() {
      return REDIRECT;
    },
    get clientMetadata() {
      return {
        redirect_uris: [REDIRECT],
        client_name: options.clientName ?? 'zero-code mcp',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: options.tokenEndpointAuthMethod ?? 'client_secret_basic',
      };
    },
    clientInformation: () => state.client as never,
    saveClientInformation: (c: Record<string, unknown>) => {
      keep(c.client_secret);
      keep(c.registration_access_token);
      state.client = c;
    },
    tokens: () => state.tokens as never,
    saveTokens: (t: Tokens) => {
      keep(t.access_token);
      keep(t.refresh_token);
      state.tokens = t;
    },
    redirectToAuthorization: (url: URL) => {
      state.redirect = url;
    },
    saveCodeVerifier: (v: string) => {
      keep(v);
      state.verifier = v;
    },
    codeVerifier: () => state.verifier!,
    invalidateCredentials: (scope: string) => {
      if (scope === 'all' || scope === 'tokens') state.tokens = undefined;
      if (scope === 'all' || scope === 'client') state.client = undefined;
    },
  };
  return { provider, state };
}
