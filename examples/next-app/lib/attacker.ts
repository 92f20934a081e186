/**
 * A simulated attacker's browser, for the attack demos only: plain fetch with a cookie jar that
 * follows an authorization request through the example AS (its login and consent forms, see
 * examples/auth-server/README.md) and stops at the redirect back to this app, returning that
 * callback URL (real `code`, `state` and `iss`) without delivering it.
 */
import { config } from './config';

class Jar {
  private cookies = new Map<string, string>();
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Signs in at the AS as `user` (demo password) and approves consent; returns the callback URL. */
export async function obtainCallback(authorizationUrl: URL, user: string): Promise<URL> {
  const password = config().demoUsers[user];
  if (!password) throw new Error(`unknown demo user ${user}`);
  const jar = new Jar();
  const asOrigin = authorizationUrl.origin;
  let url = authorizationUrl;
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const headers = new Headers(init.headers);
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    headers.set('accept', 'text/html');
    const response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    jar.store(response);
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location') ?? '/', url);
      if (location.origin !== asOrigin) return location;
      url = location;
      init = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const uid = /\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (uid && html.includes('id="login-form"') && !html.includes('id="login-error"')) {
      url = new URL(`/interaction/${uid}/login`, asOrigin);
      init = { method: 'POST', body: new URLSearchParams({ username: user, password }) };
      continue;
    }
    if (uid && html.includes('id="consent-form"')) {
      url = new URL(`/interaction/${uid}/confirm`, asOrigin);
      init = { method: 'POST', body: new URLSearchParams() };
      continue;
    }
    throw new Error(`unexpected AS page (HTTP ${response.status})`);
  }
  throw new Error('too many redirects at the AS');
}
