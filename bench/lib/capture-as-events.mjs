#!/usr/bin/env node
// Records what oidc-provider really emits during one client_credentials and one refresh_token
// token request of the example AS (examples/auth-server, in this process on 127.0.0.1), and writes
// it as bench/fixtures/as-token-events.json for bench/as-replay.mjs. Token values never reach the
// fixture: a model keeps its kind and the lengths of its string fields; a ctx keeps the fields the
// adapter reads (route, grant_type, client id, entity names), and whether it had an IP.
//   node bench/lib/capture-as-events.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAuthServer } from '../../examples/auth-server/src/index.mjs';
import { CC_CLIENT, REFRESH_CLIENT } from './clients.mjs';
import { basic, mintRefreshToken, refreshBody } from './oauth-flow.mjs';
import { ROOT } from './e2e.mjs';

let recording;
const isObj = (v) => v !== null && typeof v === 'object';
function describe(v) {
  if (isObj(v) && isObj(v.oidc)) {
    const o = v.oidc;
    return {
      type: 'ctx',
      route: o.route,
      grantType: o.params?.grant_type,
      clientId: o.client?.clientId,
      entities: Object.keys(o.entities ?? {}).sort(),
      hasIp: typeof v.ip === 'string' && v.ip.length > 0,
    };
  }
  if (isObj(v) && typeof v.kind === 'string') {
    const fields = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') fields[k] = { string: x.length };
      else if (typeof x === 'number' || typeof x === 'boolean') fields[k] = { [typeof x]: true };
    }
    return { type: 'model', kind: v.kind, fields };
  }
  return { type: v === null ? 'null' : typeof v };
}

const as = await createAuthServer({
  port: 0,
  host: '127.0.0.1',
  clients: [{ client_id: REFRESH_CLIENT.client_id, client_secret: REFRESH_CLIENT.client_secret, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [REFRESH_CLIENT.redirect_uri], token_endpoint_auth_method: 'client_secret_basic' }],
  onProvider(provider) {
    const emit = provider.emit.bind(provider);
    provider.emit = (name, ...args) => {
      recording?.push({ event: name, args: args.map(describe), withRequestCtx: provider.constructor.ctx !== undefined });
      return emit(name, ...args);
    };
  },
});

async function capture(body, auth) {
  recording = [];
  const res = await fetch(new URL('/token', as.url), { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body });
  const json = await res.json();
  const events = recording;
  recording = undefined;
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(json)}`);
  return events;
}

const rt = await mintRefreshToken(as.url, as.resourceUrl);
const fixture = {
  description: 'oidc-provider events of one token request of the example AS (bench/lib/capture-as-events.mjs); token values replaced by their lengths',
  capturedAt: new Date().toISOString(),
  oidcProvider: JSON.parse(await (await import('node:fs/promises')).readFile(join(ROOT, 'node_modules/oidc-provider/package.json'), 'utf8')).version,
  requests: {
    client_credentials: await capture('grant_type=client_credentials', basic(CC_CLIENT.client_id, CC_CLIENT.client_secret)),
    refresh_token: await capture(refreshBody(rt, as.resourceUrl), basic(REFRESH_CLIENT.client_id, REFRESH_CLIENT.client_secret)),
  },
};
mkdirSync(join(ROOT, 'bench/fixtures'), { recursive: true });
writeFileSync(join(ROOT, 'bench/fixtures/as-token-events.json'), JSON.stringify(fixture, null, 2) + '\n');
console.log(JSON.stringify(fixture.requests, null, 1));
await as.close();
process.exit(0);
