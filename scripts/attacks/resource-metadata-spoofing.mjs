#!/usr/bin/env node
// Protected-resource metadata spoofing (RFC 9728 §3.3): a hostile resource server in front of the
// honest example AS.
//
//   node examples/auth-server/src/main.mjs &
//   node scripts/attacks/resource-metadata-spoofing.mjs http://127.0.0.1:4000
//
// The hostile resource server (started by this script on 127.0.0.1) serves:
//   - metadata whose `resource` claims the honest AS's resource from another origin (resource_mismatch);
//   - metadata whose `authorization_servers` change between two discoveries (authorization_servers_changed);
//   - a 401 challenge whose `resource_metadata` points to another origin's metadata
//     (cross_origin_resource_metadata).
// The client's traffic observer (oauth-otel, initTelemetry({ observe: true }) in the process that
// runs these requests, as the test does) reports each as
// `oauth_resource_metadata_spoofing` (resource_metadata_spoofing); honest discoveries are quiet.
// packages/oauth-otel/test/adapters/threats.test.ts runs it against the real AS.
import { createServer } from 'node:http';

import { cli, target } from './lib.mjs';

const PRM = '/.well-known/oauth-protected-resource';

/** Starts the hostile resource server; `close()` stops it. */
export async function hostileResourceServer(t) {
  let servers = [t.issuer];
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    // claims to be the example AS's resource (it is not: it is served from another origin)
    if (path === `${PRM}/claims`) return json(res, 200, { resource: t.resourceUrl, authorization_servers: [t.issuer] });
    if (path === `${PRM}/mcp`) return json(res, 200, { resource: `${origin}/mcp`, authorization_servers: servers });
    // the challenge sends the client to the honest AS's resource metadata
    if (path === '/mcp') return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${t.resourceMetadataUrl}"` });
    return json(res, 404, {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** From now on its metadata names another authorization server. */
    swapAuthorizationServers(list) {
      servers = list;
    },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

const get = async (url) => (await fetch(url)).status;

/** Discoveries a client makes when nothing is wrong: the same metadata twice, and the honest resource's own. */
export async function honestDiscoveries(t, rs) {
  return [await get(`${rs.origin}${PRM}/mcp`), await get(`${rs.origin}${PRM}/mcp`), await get(t.resourceMetadataUrl)];
}

/** The three spoofs, in order: resource mismatch, authorization_servers changed, cross-origin challenge. */
export async function spoofedDiscoveries(rs) {
  const claims = await get(`${rs.origin}${PRM}/claims`);
  rs.swapAuthorizationServers(['http://127.0.0.1:1/attacker-as']);
  const swapped = await get(`${rs.origin}${PRM}/mcp`);
  const challenge = await get(`${rs.origin}/mcp`);
  return [claims, swapped, challenge];
}

export async function runResourceMetadataSpoofing(options) {
  const t = await target(options);
  const rs = await hostileResourceServer(t);
  try {
    const honest = await honestDiscoveries(t, rs);
    const spoofed = await spoofedDiscoveries(rs);
    return { honest: { statuses: honest }, spoofed: { statuses: spoofed }, expect: { event: 'oauth_resource_metadata_spoofing', type: 'resource_metadata_spoofing' } };
  } finally {
    await rs.close();
  }
}

cli(import.meta, runResourceMetadataSpoofing);
