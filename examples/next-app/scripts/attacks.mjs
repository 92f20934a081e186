#!/usr/bin/env node
// The UI's attack and failure buttons from a shell, against a running example app:
//
//   node examples/next-app/scripts/attacks.mjs [--app http://127.0.0.1:3000] [attack ...]
//
// Attacks: refresh-replay code-injection tampered-state expired-state ownership mix-up
// pkce-downgrade (default: all). The script plays alice's and bob's browsers (one cookie jar each):
// it signs alice in, connects her to the example MCP server if she has no connection yet (signing
// in at the AS as alice), then calls /api/attacks/<name> and, where the attack produces a
// callback, delivers it with alice's cookie, exactly as the page's buttons do. With METRICS_TOKEN
// set it prints the security series of /api/metrics at the end.
const ALL = ['refresh-replay', 'code-injection', 'tampered-state', 'expired-state', 'ownership', 'mix-up', 'pkce-downgrade'];
const PASSWORDS = { alice: 'alice-password', bob: 'bob-password' };

const argv = process.argv.slice(2);
let app = process.env.APP_URL || 'http://127.0.0.1:3000';
const chosen = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--app') app = argv[++i];
  else if (argv[i] === '--help' || argv[i] === '-h') {
    console.log(`usage: attacks.mjs [--app URL] [${ALL.join('|')} ...]`);
    process.exit(0);
  } else if (ALL.includes(argv[i])) chosen.push(argv[i]);
  else {
    console.error(`unknown argument ${argv[i]}; attacks: ${ALL.join(', ')}`);
    process.exit(2);
  }
}
app = new URL(app).origin;
const attacks = chosen.length ? chosen : ALL;

/** A browser's cookies for one origin (enough for the app and the AS). */
class Jar {
  cookies = new Map();
  store(res) {
    for (const h of res.headers.getSetCookie()) {
      const pair = h.split(';', 1)[0];
      const eq = pair.indexOf('=');
      const [k, v] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (!v || /max-age=0|expires=thu, 01 jan 1970/i.test(h)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function request(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.header) headers.set('cookie', jar.header);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

const form = (o) => ({ method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o) });

async function signIn(user) {
  const jar = new Jar();
  const res = await request(jar, `${app}/api/session`, form({ user }));
  if (!res.ok) throw new Error(`sign-in as ${user} failed: ${res.status}`);
  return jar;
}

async function state(jar) {
  return (await request(jar, `${app}/api/state`)).json();
}

/** Signs in at the AS as `user` and approves; returns the redirect back to the app (not followed). */
async function authorizeAtAs(authorizationUrl, user) {
  const jar = new Jar();
  const origin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let init = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await request(jar, url, init);
    if (res.status >= 300 && res.status < 400) {
      const loc = new URL(res.headers.get('location'), url);
      if (loc.origin !== origin) return loc;
      url = loc;
      init = {};
      continue;
    }
    const html = await res.text();
    const uid = /\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (uid && html.includes('id="login-form"')) {
      url = new URL(`/interaction/${uid}/login`, origin);
      init = { method: 'POST', body: new URLSearchParams({ username: user, password: PASSWORDS[user] }) };
    } else if (uid && html.includes('id="consent-form"')) {
      url = new URL(`/interaction/${uid}/confirm`, origin);
      init = { method: 'POST', body: new URLSearchParams() };
    } else throw new Error(`unexpected AS page (HTTP ${res.status})`);
  }
  throw new Error('too many redirects');
}

async function deliver(jar, callbackUrl) {
  await request(jar, callbackUrl, { headers: { accept: 'text/html' } });
  return (await state(jar)).result;
}

async function ensureConnection(jar, user) {
  const s = await state(jar);
  if (s.connections.some((c) => c.status === 'active')) return;
  const res = await request(jar, `${app}/api/connect`, form({ server: 'main' }));
  const body = await res.json();
  if (!body.authorizationUrl) throw new Error(`connect failed: ${body.result?.title}`);
  const result = await deliver(jar, await authorizeAtAs(body.authorizationUrl, user));
  console.log(`  setup: ${user} connected: ${result?.title}`);
}

const icon = { ok: '✓', info: '·', warn: '!', alert: '⚠' };
const print = (name, r) => console.log(`${icon[r?.kind] ?? '?'} ${name.padEnd(15)} ${r?.title ?? '(no result)'}`);

const alice = await signIn('alice');
if (attacks.includes('refresh-replay') || attacks.includes('ownership')) await ensureConnection(alice, 'alice');
const bob = attacks.includes('ownership') ? await signIn('bob') : undefined;

for (const name of attacks) {
  const actor = name === 'ownership' ? bob : alice;
  const res = await request(actor, `${app}/api/attacks/${name}`, form({}));
  const body = await res.json();
  const result = body.callbackUrl ? await deliver(actor, body.callbackUrl) : body.result;
  print(name, result);
}

const token = process.env.METRICS_TOKEN;
if (token) {
  const text = await (await fetch(`${app}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  console.log('\nsecurity series on /api/metrics:');
  for (const line of text.split('\n')) {
    if (/^oauth_(security_events_total|code_injection_attempts_total|integrity_violations_total)|^oauth_token_refresh_total\{status="reuse_detected"/.test(line)) console.log(`  ${line}`);
  }
}
