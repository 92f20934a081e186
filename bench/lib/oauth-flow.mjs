// Client side of the benchmarks: the authorization-code flow (login + consent driven with plain
// fetch and a cookie jar, as examples/auth-server/test/helpers.ts does) to mint refresh tokens,
// and the form bodies of the token requests.
import { createHash, randomBytes } from 'node:crypto';
import { REFRESH_CLIENT } from './clients.mjs';

export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

class CookieJar {
  cookies = new Map();
  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      let path = '/';
      let expired = false;
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        if (k.toLowerCase() === 'path' && v) path = v;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${pair.slice(0, eq)}\u0000${path}`;
      const value = pair.slice(eq + 1);
      if (expired || value === '') this.cookies.delete(id);
      else this.cookies.set(id, { name: pair.slice(0, eq), value, path });
    }
  }
  header(url) {
    const m = [...this.cookies.values()].filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    return m.length ? m.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }
}

/**
 * Follows an authorization request through login and consent to the client's redirect (also used
 * by the attack demos under scripts/attacks/).
 */
export async function authorize(start, { username = 'alice', password = 'alice-password' } = {}) {
  const jar = new CookieJar();
  const origin = start.origin;
  let url = start;
  let init = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    headers.set('accept', 'text/html');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location'), url);
      await res.arrayBuffer();
      if (location.origin !== origin) return location;
      url = location;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const uid = /\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (html.includes('id="login-form"') && uid) {
      url = new URL(`/interaction/${uid}/login`, origin);
      init = { method: 'POST', body: new URLSearchParams({ username, password }) };
      continue;
    }
    if (html.includes('id="consent-form"') && uid) {
      url = new URL(`/interaction/${uid}/confirm`, origin);
      init = { method: 'POST', body: new URLSearchParams({}) };
      continue;
    }
    throw new Error(`unexpected page (HTTP ${res.status}) at ${url.pathname}: ${html.slice(0, 200)}`);
  }
  throw new Error('too many redirects');
}

/** One authorization-code flow with PKCE for REFRESH_CLIENT; resolves to its first refresh token. */
export async function mintRefreshToken(baseUrl, resource) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const start = new URL('/auth', baseUrl);
  start.search = new URLSearchParams({
    client_id: REFRESH_CLIENT.client_id,
    response_type: 'code',
    redirect_uri: REFRESH_CLIENT.redirect_uri,
    scope: 'mcp:read',
    resource,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const callback = await authorize(start);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`authorization failed: ${callback}`);
  const res = await fetch(new URL('/token', baseUrl), {
    method: 'POST',
    headers: { authorization: basic(REFRESH_CLIENT.client_id, REFRESH_CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REFRESH_CLIENT.redirect_uri, code_verifier: verifier, resource }).toString(),
  });
  const body = await res.json();
  if (res.status !== 200 || !body.refresh_token) throw new Error(`code exchange failed: ${res.status} ${JSON.stringify(body)}`);
  return body.refresh_token;
}

export const refreshBody = (refreshToken, resource) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}&resource=${encodeURIComponent(resource)}`;
