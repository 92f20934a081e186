#!/usr/bin/env node
// CLI: node examples/auth-server/src/main.mjs
// Env: PORT (default 4000), HOST (default 127.0.0.1), ISSUER (default http://HOST:PORT),
//      VARIANT (honest | no-s256 | no-pkce-metadata | wrong-iss | wrong-metadata-issuer),
//      ACCESS_TOKEN_FORMAT (jwt | opaque), TRUST_PROXY=1, LOG_EVENTS=1 (print every provider event).
import { createAuthServer, PROVIDER_EVENTS } from './index.mjs';

const env = process.env;
const as = await createAuthServer({
  port: env.PORT === undefined ? 4000 : Number(env.PORT),
  host: env.HOST || '127.0.0.1',
  issuer: env.ISSUER || undefined,
  variant: env.VARIANT || 'honest',
  accessTokenFormat: env.ACCESS_TOKEN_FORMAT || 'jwt',
  proxy: env.TRUST_PROXY === '1',
  onProvider(provider) {
    provider.on('server_error', (ctx, err) => {
      console.error('server_error', ctx.method, ctx.path, err);
    });
    if (env.LOG_EVENTS === '1') {
      for (const name of PROVIDER_EVENTS) {
        provider.on(name, (...args) => {
          const err = args.find((a) => a instanceof Error);
          console.log(`event ${name}${err ? ` ${err.error}: ${err.error_description}${err.cause ? ` (cause: ${err.cause.message})` : ''}` : ''}`);
        });
      }
    }
  },
});

console.log(JSON.stringify({
  issuer: as.issuer,
  metadata: as.metadataUrl,
  resource: as.resourceUrl,
  resource_metadata: as.resourceMetadataUrl,
  variant: as.variant,
  listening: `${as.host}:${as.port}`,
}));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    as.close().then(() => process.exit(0));
  });
}
