import { authServer, oauth } from './native';
test('loads', async () => {
  const as = await authServer.createAuthServer();
  const res = await fetch(as.metadataUrl);
  const md = await res.json();
  expect(md.issuer).toBe(as.issuer);
  const issuer = new URL(as.issuer);
  const r = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true });
  const as2 = await oauth.processDiscoveryResponse(issuer, r);
  expect(as2.code_challenge_methods_supported).toEqual(['S256']);
  await as.close();
});
