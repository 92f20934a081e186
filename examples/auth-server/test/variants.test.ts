// The misbehaving AS variants (for client-side detection tests), opaque access tokens, and the CLI.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { authorize } from './helpers';
import { authServer, oauth, type AuthServer, type EventRecorder } from './native';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

type Metadata = Awaited<ReturnType<typeof oauth.processDiscoveryResponse>>;
type Client = Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;

async function start(options: Record<string, unknown>) {
  let recorder!: EventRecorder;
  const as = await authServer.createAuthServer({
    ...options,
    onProvider(provider: unknown) {
      recorder = authServer.recordProviderEvents(provider);
    },
  });
  return { as, recorder };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<Json> => (await response.json()) as Json;

async function rawMetadata(as: AuthServer): Promise<Json> {
  return json(await fetch(as.metadataUrl));
}

/** Metadata as a client would hold it, without oauth4webapi's issuer validation. */
async function metadataOf(as: AuthServer): Promise<Metadata> {
  return (await rawMetadata(as)) as Metadata;
}

async function publicClient(md: Metadata): Promise<Client> {
  return oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(md, {
    redirect_uris: ['http://127.0.0.1:9999/callback'],
    token_endpoint_auth_method: 'none',
  }, insecure));
}

async function authorizationUrl(as: AuthServer, md: Metadata, client: Client, extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(md.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:9999/callback',
    scope: 'mcp:read',
    resource: as.resourceUrl,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return { url, state, verifier };
}

function thrown(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a rejection');
}

describe('variants', () => {
  test('unknown variant is refused', async () => {
    await expect(authServer.createAuthServer({ variant: 'nope' })).rejects.toThrow('unknown variant "nope"');
  });

  test('no-s256: metadata advertises only plain, the AS still enforces S256', async () => {
    const { as, recorder } = await start({ variant: 'no-s256' });
    try {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const md = await json(await fetch(new URL(path, as.issuer)));
        expect(md.code_challenge_methods_supported).toEqual(['plain']);
        expect(md.issuer).toBe(as.issuer);
      }
      // oauth4webapi accepts the document: refusing to proceed without S256 is the caller's job
      const issuer = new URL(as.issuer);
      const md = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
      expect(md.code_challenge_methods_supported).not.toContain('S256');

      const client = await publicClient(md);
      recorder.clear();
      const plain = await authorizationUrl(as, md, client, { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) });
      const res = await fetch(plain.url, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
      expect(recorder.names()).toEqual(['authorization.error']);
      expect(recorder.events[0]!.args[1]).toMatchObject({ error: 'invalid_request', error_description: 'not supported value of code_challenge_method' });
    } finally {
      await as.close();
    }
  });

  test('no-pkce-metadata: code_challenge_methods_supported is absent', async () => {
    const { as } = await start({ variant: 'no-pkce-metadata' });
    try {
      const md = await rawMetadata(as);
      expect(md).not.toHaveProperty('code_challenge_methods_supported');
      expect(md.authorization_endpoint).toBe(`${as.issuer}/auth`);
    } finally {
      await as.close();
    }
  });

  test('wrong-iss: the authorization response carries another issuer; the AS itself sees a normal flow', async () => {
    const { as, recorder } = await start({ variant: 'wrong-iss' });
    try {
      const md = await metadataOf(as);
      expect(md.issuer).toBe(as.issuer);
      expect(md.authorization_response_iss_parameter_supported).toBe(true);
      const client = await publicClient(md);
      recorder.clear();

      const { url, state } = await authorizationUrl(as, md, client);
      const { callback } = await authorize(url);
      expect(callback.searchParams.get('iss')).toBe(authServer.DEFAULT_WRONG_ISSUER);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
      expect(thrown(() => oauth.validateAuthResponse(md, client, callback, state)))
        .toEqual({ code: oauth.INVALID_RESPONSE, message: 'unexpected "iss" (issuer) response parameter value' });
      // nothing at the AS tells the mix-up apart from a success
      expect(recorder.names(/^authorization\.|^interaction\.(started|ended)/)).toEqual([
        'interaction.started', 'interaction.ended', 'interaction.started', 'interaction.ended',
        'authorization.accepted', 'authorization.success',
      ]);

      // error responses carry the wrong iss too
      const denied = await authorize((await authorizationUrl(as, md, client)).url, { consent: 'deny' });
      expect(denied.callback.searchParams.get('error')).toBe('access_denied');
      expect(denied.callback.searchParams.get('iss')).toBe(authServer.DEFAULT_WRONG_ISSUER);
    } finally {
      await as.close();
    }
  });

  test('wrong-iss with a custom issuer value and response_mode=fragment', async () => {
    const { as } = await start({ variant: 'wrong-iss', wrongIssuer: 'https://honest-looking.example' });
    try {
      const md = await metadataOf(as);
      const client = await publicClient(md);
      const { url } = await authorizationUrl(as, md, client, { response_mode: 'fragment' });
      const { callback } = await authorize(url);
      const fragment = new URLSearchParams(callback.hash.slice(1));
      expect(fragment.get('iss')).toBe('https://honest-looking.example');
      expect(fragment.get('code')).toEqual(expect.any(String));
    } finally {
      await as.close();
    }
  });

  test('wrong-iss with response_mode=form_post rewrites the hidden iss input', async () => {
    const { as } = await start({ variant: 'wrong-iss' });
    try {
      const md = await metadataOf(as);
      const client = await publicClient(md);
      const { url } = await authorizationUrl(as, md, client, { response_mode: 'form_post' });
      // a fresh authorization without PKCE fails immediately and answers with the form_post page
      url.searchParams.delete('code_challenge');
      const res = await fetch(url, { headers: { accept: 'text/html' } });
      const html = await res.text();
      expect(html).toContain('name="error" value="invalid_request"');
      expect(html).toContain(`name="iss" value="${authServer.DEFAULT_WRONG_ISSUER}"`);
      expect(html).not.toContain(`value="${as.issuer}"`);
    } finally {
      await as.close();
    }
  });

  test('wrong-metadata-issuer: the metadata issuer differs from the discovery URL (RFC 8414 §3.3)', async () => {
    const { as } = await start({ variant: 'wrong-metadata-issuer' });
    try {
      const issuer = new URL(as.issuer);
      expect((await rawMetadata(as)).issuer).toBe(authServer.DEFAULT_WRONG_ISSUER);
      expect(await rejected(oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }))))
        .toEqual({ code: oauth.JSON_ATTRIBUTE_COMPARISON, message: '"response" body "issuer" property does not match the expected value' });
    } finally {
      await as.close();
    }
  });
});

describe('opaque access tokens', () => {
  test('the resource validates by introspection; revoking the access token revokes the grant\'s tokens without grant.revoked', async () => {
    const { as, recorder } = await start({ accessTokenFormat: 'opaque' });
    try {
      const issuer = new URL(as.issuer);
      const md = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
      const client = await publicClient(md);
      const { url, state, verifier } = await authorizationUrl(as, md, client);
      const { callback } = await authorize(url);
      const params = oauth.validateAuthResponse(md, client, callback, state);
      recorder.clear();
      const tokens = await oauth.processAuthorizationCodeResponse(md, client, await oauth.authorizationCodeGrantRequest(
        md, client, oauth.None(), params, 'http://127.0.0.1:9999/callback', verifier, { additionalParameters: { resource: as.resourceUrl }, ...insecure }));
      expect(tokens.access_token.split('.')).toHaveLength(1);
      expect(recorder.names()).toEqual(['authorization_code.consumed', 'access_token.saved', 'refresh_token.saved', 'grant.success']);

      recorder.clear();
      const ok = await fetch(as.resourceUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(ok.status).toBe(200);
      expect(await json(ok)).toMatchObject({ token: { format: 'opaque', sub: 'alice', aud: as.resourceUrl, client_id: client.client_id } });
      // a successful introspection emits nothing
      expect(recorder.names()).toEqual([]);

      await oauth.processRevocationResponse(await oauth.revocationRequest(md, client, oauth.None(), tokens.access_token, insecure));
      // revokeGrantPolicy (default) keeps the Grant when an access token is revoked: no grant.revoked
      expect(recorder.names()).toEqual(['access_token.destroyed']);
      const after = await fetch(as.resourceUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
      // the refresh token still works: access token revocation leaves the grant alone
      // ... but oidc-provider's revoke() calls revokeByGrantId on every token model, so the
      // refresh token of the same grant is gone too, silently (no refresh_token.destroyed)
      recorder.clear();
      const refreshResponse = await oauth.refreshTokenGrantRequest(md, client, oauth.None(), tokens.refresh_token!, insecure);
      expect(refreshResponse.status).toBe(400);
      expect(await json(refreshResponse)).toEqual({ error: 'invalid_grant', error_description: 'grant request is invalid' });
      expect(recorder.names()).toEqual(['grant.error']);
      expect(recorder.events[0]!.args[1]).toMatchObject({ error_detail: 'refresh token not found' });
    } finally {
      await as.close();
    }
  });
});

describe('CLI', () => {
  test('node src/main.mjs starts on PORT/HOST and serves metadata', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.mjs')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VARIANT: 'no-s256' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
      });
      const info = JSON.parse(line);
      expect(info.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.variant).toBe('no-s256');
      const md = await json(await fetch(`${info.issuer}/.well-known/oauth-authorization-server`));
      expect(md.code_challenge_methods_supported).toEqual(['plain']);
      expect((await fetch(info.resource)).status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
