// Test-side user agent: a cookie jar plus a driver for the login and consent pages, with plain fetch.

type Cookie = { name: string; value: string; path: string };

export class CookieJar {
  private cookies = new Map<string, Cookie>();

  store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [k = '', v = ''] = attribute.split('=');
        const key = k.toLowerCase();
        if (key === 'path' && v) path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      void url;
      const id = `${name}\u0000${path}`;
      if (expired || value === '') this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(url: URL): string | undefined {
    const matching = [...this.cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }
}

export type AuthorizeOptions = {
  username?: string;
  password?: string;
  /** what to do on the consent page */
  consent?: 'approve' | 'deny';
  /** what to do on the login page: sign in (default) or cancel */
  login?: 'submit' | 'cancel';
  jar?: CookieJar;
};

export type AuthorizeResult = {
  /** the URL the AS finally redirected to (the client's redirect_uri with the response) */
  callback: URL;
  /** pages seen on the way, by kind */
  pages: string[];
  /** HTTP statuses of every request made */
  statuses: number[];
};

/**
 * Follows an authorization request through the AS: redirects, the login form, the consent form,
 * until the AS redirects to a URL outside its own origin (the client's redirect_uri).
 */
export async function authorize(authorizationUrl: URL, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
  const { username = 'alice', password = 'alice-password', consent = 'approve', login = 'submit' } = options;
  const jar = options.jar ?? new CookieJar();
  const origin = authorizationUrl.origin;
  const pages: string[] = [];
  const statuses: number[] = [];

  let url = authorizationUrl;
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    headers.set('accept', 'text/html');
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    statuses.push(response.status);
    jar.store(url, response);

    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location')!, url);
      if (location.origin !== origin) return { callback: location, pages, statuses };
      url = location;
      init = { method: 'GET' };
      continue;
    }

    const html = await response.text();
    const uid = /\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (html.includes('id="login-form"') && uid) {
      pages.push(html.includes('id="login-error"') ? 'login-error' : 'login');
      if (pages.filter((p) => p.startsWith('login')).length > 2) {
        throw new Error('login keeps failing');
      }
      if (login === 'cancel') {
        url = new URL(`/interaction/${uid}/abort`, origin);
        init = { method: 'POST', body: new URLSearchParams({}) };
      } else {
        url = new URL(`/interaction/${uid}/login`, origin);
        init = { method: 'POST', body: new URLSearchParams({ username, password }) };
      }
      continue;
    }
    if (html.includes('id="consent-form"') && uid) {
      pages.push('consent');
      url = new URL(`/interaction/${uid}/${consent === 'approve' ? 'confirm' : 'abort'}`, origin);
      init = { method: 'POST', body: new URLSearchParams({}) };
      continue;
    }
    const error = /class="error_description">([^<]*)</.exec(html)?.[1] ?? /class="error">([^<]*)</.exec(html)?.[1];
    throw Object.assign(new Error(`unexpected page (HTTP ${response.status}) at ${url.pathname}: ${error ?? html.slice(0, 200)}`), {
      status: response.status,
      pages,
    });
  }
  throw new Error('too many redirects');
}
