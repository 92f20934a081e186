// Example OAuth 2.1 authorization server (oidc-provider 9) and protected resource in one small Node
// process. Used by the oauth-otel tests, the browser test and the load benchmark.
//
//   const as = await createAuthServer({ port: 0, onProvider: (provider) => instrument(provider) });
//   as.issuer       // http://127.0.0.1:PORT
//   as.resourceUrl  // http://127.0.0.1:PORT/mcp
//   await as.close();

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider, { errors } from 'oidc-provider';
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, jwtVerify } from 'jose';

import { createMemoryAdapterFactory } from './adapter.mjs';
import { consentPage, errorPage, loginPage, simplePage } from './views.mjs';

export { PROVIDER_EVENTS, recordProviderEvents } from './events.mjs';

/** Fixed demo users. The login form takes `username` / `password`. */
export const DEMO_USERS = Object.freeze({
  alice: Object.freeze({ password: 'alice-password', name: 'Alice Example', email: 'alice@example.test' }),
  bob: Object.freeze({ password: 'bob-password', name: 'Bob Example', email: 'bob@example.test' }),
});

/** A static confidential client allowed only the client_credentials grant (load benchmark). */
export const BENCHMARK_CLIENT = Object.freeze({
  client_id: 'benchmark-client',
  client_secret: 'benchmark-client-secret',
});

export const VARIANTS = Object.freeze([
  'honest',
  // metadata lists code_challenge_methods_supported: ["plain"] (PKCE downgrade)
  'no-s256',
  // metadata has no code_challenge_methods_supported at all
  'no-pkce-metadata',
  // the authorization response carries a wrong `iss` (RFC 9207 mix-up)
  'wrong-iss',
  // the metadata document's `issuer` differs from the issuer it was discovered from (RFC 8414 §3.3)
  'wrong-metadata-issuer',
  // the authorization response carries no `iss` although the metadata says it does (RFC 9207 §2.4)
  'no-iss',
]);

export const DEFAULT_WRONG_ISSUER = 'https://attacker.example';

const DISCOVERY_PATHS = new Set(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);
const PRM_PATH = '/.well-known/oauth-protected-resource';

function formatHost(host) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function generateJwks() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const kid = () => crypto.randomBytes(8).toString('base64url');
  return {
    keys: [
      { ...rsa.export({ format: 'jwk' }), kid: `rs256-${kid()}`, alg: 'RS256', use: 'sig' },
      { ...ec.export({ format: 'jwk' }), kid: `es256-${kid()}`, alg: 'ES256', use: 'sig' },
    ],
  };
}

async function readForm(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body, headers = {}) {
  const isJson = typeof body !== 'string';
  const payload = isJson ? JSON.stringify(body) : body;
  res.writeHead(status, {
    'content-type': isJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts the authorization server and the protected resource on one HTTP port.
 *
 * @param {object} [options]
 * @param {number} [options.port=0] 0 picks a free port
 * @param {string} [options.host='127.0.0.1']
 * @param {string} [options.issuer] defaults to http://HOST:PORT; must be an origin (no path)
 * @param {string} [options.resourcePath='/mcp']
 * @param {string[]} [options.resourceScopes=['mcp:read','mcp:write']]
 * @param {string[]} [options.extraResources=[]] more resource indicators the AS issues tokens for
 *   (same scopes); they are not served by this process, useful for audience-mismatch tests
 * @param {'jwt'|'opaque'} [options.accessTokenFormat='jwt'] format of access tokens for the resource
 * @param {string} [options.variant='honest'] one of VARIANTS
 * @param {string} [options.wrongIssuer] issuer value used by the wrong-iss / wrong-metadata-issuer variants
 * @param {(provider: import('oidc-provider').Provider) => void | Promise<void>} [options.onProvider]
 *   called with the Provider before any request is served (attach listeners / instrumentation here)
 * @param {object[]} [options.clients] extra static client metadata
 * @param {object} [options.jwks] signing keys (private JWK Set); generated when omitted
 * @param {boolean} [options.proxy=false] trust X-Forwarded-* headers
 * @param {boolean} [options.dpopNonces=false] require server-provided DPoP nonces at the token
 *   endpoint (RFC 9449 §8): a proof without the current nonce is answered `use_dpop_nonce`
 * @param {(check: string, info: { clientId?: string, token?: string }) => void} [options.onResourceDpopRejected]
 *   called when the protected resource rejects a DPoP (RFC 9449) request; `check` is one of
 *   oauth-otel's DPOP_CHECK values (wire it to `oauth.dpopRejected({ side: 'resource_server', … })`)
 * @param {Record<string, string>} [options.clientMetadataDocumentOrigins={}] Client ID Metadata
 *   Documents (CIMD) whose https origin is served elsewhere: `{ 'https://app.example': 'http://127.0.0.1:3000' }`
 *   makes the AS fetch `https://app.example/x` from `http://127.0.0.1:3000/x` (tests and the demo run
 *   on loopback, which oidc-provider's SSRF guard refuses for real client ids). Other client ids are
 *   fetched as oidc-provider does by default.
 * @param {boolean} [options.resourceScopesInRegistration=false] also list the resource scopes in
 *   oidc-provider's `scopes`, so a dynamic registration that names them (the MCP SDK's DCR sends the
 *   protected resource's `scopes_supported`) is accepted. Side effect: they then also count as OP
 *   scopes (the consent prompt adds the reason `op_scopes_missing`).
 * @param {Record<string, string[]>} [options.scopedPaths] protected-resource paths that need more
 *   scopes than a plain call: a token without them gets `403 insufficient_scope` (RFC 6750 §3.1),
 *   the MCP step-up challenge. Default: `/mcp/write` needs mcp:write, `/mcp/admin` needs mcp:admin
 *   (a scope this AS never grants: the step-up loop).
 */
export async function createAuthServer(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    resourcePath = '/mcp',
    resourceScopes = ['mcp:read', 'mcp:write'],
    extraResources = [],
    accessTokenFormat = 'jwt',
    variant = 'honest',
    wrongIssuer = DEFAULT_WRONG_ISSUER,
    onProvider,
    clients: extraClients = [],
    jwks = generateJwks(),
    proxy = false,
    onResourceDpopRejected,
    dpopNonces = false,
    clientMetadataDocumentOrigins = {},
    resourceScopesInRegistration = false,
  } = options;

  if (!VARIANTS.includes(variant)) {
    throw new TypeError(`unknown variant ${JSON.stringify(variant)}; expected one of ${VARIANTS.join(', ')}`);
  }
  if (!['jwt', 'opaque'].includes(accessTokenFormat)) {
    throw new TypeError('accessTokenFormat must be "jwt" or "opaque"');
  }

  let dispatch;
  let failStart;
  const ready = new Promise((resolve, reject) => {
    dispatch = resolve;
    failStart = reject;
  });
  ready.catch(() => {});

  const server = http.createServer((req, res) => {
    ready.then((handler) => handler(req, res), () => send(res, 503, { error: 'temporarily_unavailable' }));
  });
  await listen(server, port, host);

  try {
    const actualPort = server.address().port;
    const internalHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const internalOrigin = `http://${formatHost(internalHost)}:${actualPort}`;
    const issuer = options.issuer ?? `http://${formatHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${actualPort}`;
    const publicOrigin = new URL(issuer).origin;
    if (new URL(issuer).pathname !== '/' || issuer.endsWith('/')) {
      throw new TypeError('issuer must be an origin without a path or trailing slash, e.g. http://localhost:4000');
    }
    const resourceUrl = `${publicOrigin}${resourcePath}`;
    const scopedPaths = options.scopedPaths ?? { [`${resourcePath}/write`]: ['mcp:write'], [`${resourcePath}/admin`]: ['mcp:admin'] };
    const resourceMetadataUrl = `${publicOrigin}${PRM_PATH}${resourcePath}`;

    const memory = createMemoryAdapterFactory();
    const resourceServerClient = {
      client_id: 'resource-server',
      client_secret: crypto.randomBytes(32).toString('base64url'),
    };

    const users = new Map(Object.entries(DEMO_USERS));

    const configuration = {
      adapter: memory.Adapter,
      jwks,
      cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
      clients: [
        {
          ...resourceServerClient,
          client_name: 'Example protected resource (introspection)',
          grant_types: [],
          response_types: [],
          redirect_uris: [],
        },
        {
          ...BENCHMARK_CLIENT,
          client_name: 'Load benchmark client',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
        ...extraClients,
      ],
      async findAccount(ctx, sub) {
        const user = users.get(sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          async claims() {
            return { sub, name: user.name, email: user.email, email_verified: true };
          },
        };
      },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['name'],
      },
      // resourceScopesInRegistration: RFC 7591 clients (the MCP SDK's DCR) register the scopes they
      // will request, and oidc-provider accepts only scope values listed here in client metadata
      scopes: ['openid', 'offline_access', 'email', 'profile', ...(resourceScopesInRegistration ? resourceScopes : [])],
      responseTypes: ['code'],
      pkce: { required: () => true },
      rotateRefreshToken: true,
      // refresh tokens for every code flow of a client registered for the refresh_token grant,
      // without the OIDC offline_access + prompt=consent ceremony (MCP clients do not ask for it)
      async issueRefreshToken(ctx, client, source) {
        return client.grantTypeAllowed('refresh_token')
          && (source.kind === 'AuthorizationCode' || source.kind === 'RefreshToken');
      },
      async expiresWithSession() {
        return false;
      },
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
      clientBasedCORS: () => true,
      // oidc-provider's documented outgoing-request hook: only CIMD origins mapped by the caller are
      // redirected to loopback (without the SSRF-guarding dispatcher, which refuses loopback).
      fetch: cimdFetch(clientMetadataDocumentOrigins),
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true },
        registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
        revocation: {
          enabled: true,
          async allowedPolicy(ctx, client, token) {
            if (token.clientId !== client.clientId) {
              if (client.clientAuthMethod === 'none') return false;
              throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
            }
            return true;
          },
        },
        introspection: {
          enabled: true,
          async allowedPolicy(ctx, client, token) {
            return !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId);
          },
        },
        clientCredentials: { enabled: true },
        // RFC 9449: a client that sends a DPoP proof gets DPoP-bound tokens (cnf.jkt); public
        // clients also get DPoP-bound refresh tokens. Bearer clients are unchanged.
        dPoP: dpopNonces
          ? { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true }
          : { enabled: true },
        // Client ID Metadata Documents (MCP authorization 2026-07-28): oidc-provider's own
        // implementation (experimental, draft-02); a client_id that is an https URL is resolved by
        // fetching that document. No secret-based auth for such clients (oidc-provider enforces it).
        clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
        userinfo: { enabled: true },
        resourceIndicators: {
          enabled: true,
          async defaultResource(ctx, client, oneOf) {
            if (oneOf) return oneOf.includes(resourceUrl) ? resourceUrl : oneOf;
            return resourceUrl;
          },
          async useGrantedResource() {
            return true;
          },
          async getResourceServerInfo(ctx, resourceIndicator) {
            if (resourceIndicator !== resourceUrl && !extraResources.includes(resourceIndicator)) {
              throw new errors.InvalidTarget();
            }
            return {
              scope: resourceScopes.join(' '),
              audience: resourceIndicator,
              accessTokenTTL: 60 * 60,
              accessTokenFormat,
              jwt: { sign: { alg: 'ES256' } },
            };
          },
        },
        rpInitiatedLogout: {
          enabled: true,
          async logoutSource(ctx, form) {
            ctx.body = `<!DOCTYPE html><html><body><h1>Sign out?</h1>${form}<button id="logout-confirm" type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button></body></html>`;
          },
          async postLogoutSuccessSource(ctx) {
            ctx.body = simplePage('Signed out', 'You are signed out.', 'logout-success');
          },
        },
      },
      interactions: {
        url: (ctx, interaction) => `/interaction/${interaction.uid}`,
      },
      async renderError(ctx, out) {
        ctx.type = 'html';
        ctx.body = errorPage(out);
      },
      ttl: {
        AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 60 * 60,
        AuthorizationCode: 60,
        ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 10 * 60,
        IdToken: 60 * 60,
        Interaction: 60 * 60,
        Session: 24 * 60 * 60,
        Grant: 14 * 24 * 60 * 60,
        RefreshToken: 14 * 24 * 60 * 60,
        DeviceCode: 10 * 60,
        BackchannelAuthenticationRequest: 10 * 60,
        PreAuthorizedCode: 10 * 60,
      },
    };

    const provider = new Provider(issuer, configuration);
    provider.proxy = proxy;

    provider.use(misbehave({ variant, issuer, wrongIssuer }));

    if (onProvider) await onProvider(provider);

    const providerCallback = provider.callback();
    const protectedResource = createProtectedResource({
      issuer,
      internalOrigin,
      resourceUrl,
      scopedPaths,
      resourceMetadataUrl,
      resourceScopes,
      introspectionClient: resourceServerClient,
      publicOrigin,
      onDpopRejected: onResourceDpopRejected,
    });
    const interactions = createInteractions({ provider, users });

    const prmPaths = new Set([PRM_PATH, `${PRM_PATH}${resourcePath}`]);

    dispatch(async (req, res) => {
      try {
        const { pathname } = new URL(req.url, internalOrigin);
        if (pathname === resourcePath || pathname.startsWith(`${resourcePath}/`)) {
          await protectedResource.handle(req, res);
        } else if (prmPaths.has(pathname)) {
          protectedResource.metadata(req, res);
        } else if (pathname.startsWith('/interaction/')) {
          await interactions(req, res, pathname);
        } else {
          await providerCallback(req, res);
        }
      } catch (err) {
        if (!res.headersSent) send(res, err.status ?? 500, { error: 'server_error', error_description: err.message });
        else res.destroy(err);
      }
    });

    let closed;
    return {
      issuer,
      url: internalOrigin,
      host,
      port: actualPort,
      variant,
      resourceUrl,
      resourceMetadataUrl,
      metadataUrl: `${publicOrigin}/.well-known/oauth-authorization-server`,
      provider,
      server,
      users: DEMO_USERS,
      clients: { benchmark: BENCHMARK_CLIENT },
      /** Number of live entries in the in-memory adapter. */
      storeSize: memory.size,
      close() {
        closed ||= new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        return closed;
      },
    };
  } catch (err) {
    failStart(err);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
    throw err;
  }
}

/**
 * Koa middleware (run in front of oidc-provider's router) implementing the misbehaving variants:
 * it rewrites responses only, the provider itself stays honest (PKCE S256 is still enforced).
 */
function misbehave({ variant, issuer, wrongIssuer }) {
  return async function misbehavingVariant(ctx, next) {
    await next();
    if (variant === 'honest') return;

    if (DISCOVERY_PATHS.has(ctx.path) && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      const body = { ...ctx.body };
      if (variant === 'no-s256') body.code_challenge_methods_supported = ['plain'];
      if (variant === 'no-pkce-metadata') delete body.code_challenge_methods_supported;
      if (variant === 'wrong-metadata-issuer') body.issuer = wrongIssuer;
      ctx.body = body;
      return;
    }

    if (variant === 'no-iss') {
      const location = ctx.response.get('location');
      if (ctx.status >= 300 && ctx.status < 400 && location) {
        const url = new URL(location, issuer);
        const fragment = new URLSearchParams(url.hash.slice(1));
        if (url.searchParams.has('iss')) url.searchParams.delete('iss');
        if (fragment.has('iss')) {
          fragment.delete('iss');
          url.hash = fragment.toString();
        }
        if (url.href !== new URL(location, issuer).href) ctx.set('location', url.href);
      }
      return;
    }

    if (variant === 'wrong-iss') {
      const location = ctx.response.get('location');
      if (ctx.status >= 300 && ctx.status < 400 && location) {
        const url = new URL(location, issuer);
        const fragment = new URLSearchParams(url.hash.slice(1));
        let changed = false;
        if (url.searchParams.get('iss') === issuer) {
          url.searchParams.set('iss', wrongIssuer);
          changed = true;
        }
        if (fragment.get('iss') === issuer) {
          fragment.set('iss', wrongIssuer);
          url.hash = fragment.toString();
          changed = true;
        }
        if (changed) ctx.set('location', url.href);
      } else if (typeof ctx.body === 'string' && ctx.body.includes('name="iss"')) {
        // response_mode=form_post
        ctx.body = ctx.body.replace(/(name="iss" value=")[^"]*(")/, `$1${wrongIssuer.replace(/[&<>"']/g, '')}$2`);
      }
    }
  };
}

/** DPoP proof algorithms the resource accepts (those oidc-provider accepts by default). */
const DPOP_ALGS = ['ES256', 'Ed25519', 'EdDSA'];
/** Seconds a proof's `iat` may differ from now (RFC 9449 §11.1: a short window). */
const DPOP_IAT_WINDOW = 60;

/**
 * The resource's DPoP proof check (RFC 9449 §4.3, §7.1): returns the failed check's name (the
 * DPOP_CHECK vocabulary of oauth-otel) or undefined when the proof is good. Replay protection is a
 * jti cache bounded by the iat window (only proofs that verified are remembered).
 */
function createDpopVerifier({ publicOrigin }) {
  const seen = new Map();
  return async function check(req, pathname, token, jkt) {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || proof.length === 0 || proof.includes(',')) return 'proof_invalid';
    let payload;
    let protectedHeader;
    try {
      ({ payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS }));
    } catch {
      return 'proof_invalid';
    }
    if (typeof payload.jti !== 'string' || payload.jti === '' || typeof payload.iat !== 'number') return 'proof_invalid';
    const now = Math.floor(Date.now() / 1000);
    if (Math.abs(now - payload.iat) > DPOP_IAT_WINDOW) return 'stale_proof';
    if (payload.htm !== req.method) return 'htm_mismatch';
    const htu = typeof payload.htu === 'string' ? URL.parse(payload.htu) : null;
    if (htu) htu.search = htu.hash = '';
    if (!htu || htu.href !== new URL(pathname, publicOrigin).href) return 'htu_mismatch';
    if (payload.ath !== crypto.hash('sha256', token, 'base64url')) return 'ath_mismatch';
    if ((await calculateJwkThumbprint(protectedHeader.jwk)) !== jkt) return 'key_mismatch';
    for (const [k, exp] of seen) {
      if (exp > now && seen.size < 100_000) break;
      seen.delete(k);
    }
    const key = `${jkt}:${payload.jti}`;
    if (seen.has(key)) return 'proof_replay';
    seen.set(key, now + 2 * DPOP_IAT_WINDOW);
    return undefined;
  };
}

/** oidc-provider's `fetch` with the caller's CIMD origin map applied (see createAuthServer). */
function cimdFetch(origins) {
  const map = new Map(Object.entries(origins).map(([from, to]) => [new URL(from).origin, new URL(to).origin]));
  return (url, init) => {
    const target = new URL(url);
    const to = map.get(target.origin);
    if (to === undefined) return globalThis.fetch(url, init);
    const { dispatcher, ...rest } = init ?? {};
    void dispatcher;
    return globalThis.fetch(`${to}${target.pathname}${target.search}`, rest);
  };
}

function createProtectedResource({
  issuer, internalOrigin, resourceUrl, resourceMetadataUrl, resourceScopes, introspectionClient, publicOrigin, onDpopRejected, scopedPaths,
}) {
  const checkDpop = createDpopVerifier({ publicOrigin });
  const rejected = (check, claims, token) => {
    try {
      onDpopRejected?.(check, { clientId: claims.client_id, token });
    } catch {
      // telemetry never changes the resource's answer
    }
  };
  const jwks = createRemoteJWKSet(new URL('/jwks', internalOrigin));
  const introspectionUrl = new URL('/token/introspection', internalOrigin);
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(introspectionClient.client_id)}:${encodeURIComponent(introspectionClient.client_secret)}`).toString('base64')}`;

  const challenge = (params = {}) => {
    const parts = Object.entries({ ...params, resource_metadata: resourceMetadataUrl, scope: resourceScopes.join(' ') })
      .map(([k, v]) => `${k}="${String(v).replace(/["\\]/g, '')}"`);
    return `Bearer ${parts.join(', ')}`;
  };

  async function validate(token) {
    if (token.split('.').length === 3) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: resourceUrl,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      });
      return { format: 'jwt', ...payload };
    }
    const response = await fetch(introspectionUrl, {
      method: 'POST',
      headers: {
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token }),
    });
    if (!response.ok) throw new Error(`introspection failed with status ${response.status}`);
    const result = await response.json();
    if (!result.active) throw new Error('token is not active');
    if (result.token_type && result.token_type !== 'Bearer' && result.token_type !== 'DPoP') throw new Error('not an access token');
    const aud = Array.isArray(result.aud) ? result.aud : [result.aud];
    if (!aud.includes(resourceUrl)) throw new Error('token audience does not include this resource');
    return { format: 'opaque', ...result };
  }

  return {
    metadata(req, res) {
      send(res, 200, {
        resource: resourceUrl,
        authorization_servers: [issuer],
        scopes_supported: resourceScopes,
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: DPOP_ALGS,
        resource_name: 'oauth-otel example protected resource',
      }, { 'access-control-allow-origin': '*' });
    },
    async handle(req, res) {
      const url = new URL(req.url, internalOrigin);
      if (url.searchParams.has('access_token')) {
        send(res, 400, { error: 'invalid_request', error_description: 'access tokens in the query string are not accepted' }, {
          'www-authenticate': challenge({ error: 'invalid_request', error_description: 'access tokens in the query string are not accepted' }),
        });
        return;
      }
      const authorization = req.headers.authorization;
      const match = authorization && /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
      if (!match) {
        send(res, 401, { error: 'unauthorized', error_description: 'a Bearer access token is required' }, {
          'www-authenticate': challenge(),
        });
        return;
      }
      const scheme = match[1].toLowerCase();
      const token = match[2];
      let claims;
      try {
        claims = await validate(token);
      } catch (err) {
        const description = err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && err.claim === 'aud'
          ? 'token audience does not include this resource'
          : err.message;
        send(res, 401, { error: 'invalid_token', error_description: description }, {
          'www-authenticate': challenge({ error: 'invalid_token', error_description: description }),
        });
        return;
      }
      // RFC 9449 §7: a DPoP-bound token (cnf.jkt) only with the DPoP scheme and a valid proof
      // of its key; an unbound token only as a Bearer token.
      const jkt = claims.cnf?.jkt;
      if (typeof jkt === 'string') {
        const check = scheme === 'bearer' ? 'bearer_downgrade' : await checkDpop(req, url.pathname, token, jkt);
        if (check !== undefined) {
          rejected(check, claims, token);
          const error = check === 'bearer_downgrade' ? 'invalid_token' : 'invalid_dpop_proof';
          const description = check === 'bearer_downgrade' ? 'a DPoP-bound access token requires the DPoP scheme and a proof' : `DPoP proof rejected (${check})`;
          send(res, 401, { error, error_description: description }, {
            'www-authenticate': `DPoP error="${error}", error_description="${description}", algs="${DPOP_ALGS.join(' ')}"`,
          });
          return;
        }
      } else if (scheme === 'dpop') {
        send(res, 401, { error: 'invalid_token', error_description: 'the access token is not DPoP-bound' }, {
          'www-authenticate': challenge({ error: 'invalid_token', error_description: 'the access token is not DPoP-bound' }),
        });
        return;
      }
      // drain any request body (MCP clients POST JSON-RPC here)
      for await (const chunk of req) void chunk;
      // step-up (RFC 6750 §3.1, MCP authorization): the scopes this path needs beyond the token's;
      // the challenge names the union the client must re-request.
      const needed = scopedPaths[url.pathname];
      if (needed) {
        const held = new Set(String(claims.scope ?? '').split(' ').filter(Boolean));
        if (!needed.every((s) => held.has(s))) {
          const union = [...new Set([...held, ...needed])].join(' ');
          send(res, 403, { error: 'insufficient_scope', error_description: `this call needs ${needed.join(' ')}` }, {
            'www-authenticate': `Bearer error="insufficient_scope", scope="${union}", resource_metadata="${resourceMetadataUrl}", error_description="additional scope required"`,
          });
          return;
        }
      }
      send(res, 200, {
        ok: true,
        resource: resourceUrl,
        method: req.method,
        token: {
          format: claims.format,
          iss: claims.iss,
          sub: claims.sub,
          client_id: claims.client_id,
          scope: claims.scope,
          aud: claims.aud,
          exp: claims.exp,
        },
      });
    },
  };
}

function createInteractions({ provider, users }) {
  return async function interactions(req, res, pathname) {
    const match = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?\/?$/.exec(pathname);
    if (!match) {
      send(res, 404, errorPage({ error: 'not_found' }));
      return;
    }
    const [, uid, action] = match;
    const expected = action ? 'POST' : 'GET';
    if (req.method !== expected) {
      send(res, 405, errorPage({ error: 'method_not_allowed' }), { allow: expected });
      return;
    }

    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
      const { prompt, params } = details;
      const client = await provider.Client.find(params.client_id);
      const clientName = client?.clientName || params.client_id;

      if (!action) {
        if (prompt.name === 'login') {
          send(res, 200, loginPage({ uid, clientName }));
        } else if (prompt.name === 'consent') {
          const { missingOIDCScope = [], missingResourceScopes = {} } = prompt.details;
          send(res, 200, consentPage({
            uid,
            clientName,
            accountId: details.session?.accountId,
            scopes: missingOIDCScope,
            resources: Object.entries(missingResourceScopes),
            redirectHost: URL.parse(params.redirect_uri)?.host ?? '',
          }));
        } else {
          send(res, 400, errorPage({ error: 'invalid_request', error_description: `unsupported prompt ${prompt.name}` }));
        }
        return;
      }

      const form = await readForm(req);

      if (action === 'abort') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        }, { mergeWithLastSubmission: false });
        return;
      }

      if (action === 'login') {
        if (prompt.name !== 'login') throw new errors.InvalidRequest('not a login interaction');
        const username = form.get('username') ?? '';
        const user = users.get(username);
        const password = Buffer.from(form.get('password') ?? '');
        const ok = user && password.length === Buffer.byteLength(user.password)
          && crypto.timingSafeEqual(password, Buffer.from(user.password));
        if (!ok) {
          send(res, 401, loginPage({ uid, clientName, username, error: 'Invalid username or password.' }));
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
        return;
      }

      // confirm
      if (prompt.name !== 'consent') throw new errors.InvalidRequest('not a consent interaction');
      const accountId = details.session.accountId;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId, clientId: params.client_id });
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      if (missingResourceScopes) {
        for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
      }
      const grantId = await grant.save();
      const consent = details.grantId ? {} : { grantId };
      await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    } catch (err) {
      if (res.headersSent) throw err;
      const status = err.statusCode ?? err.status ?? 500;
      send(res, status, errorPage({
        error: err.error ?? 'server_error',
        error_description: err.error_description ?? err.message,
      }));
    }
  };
}
