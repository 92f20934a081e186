// Monorepo only (next.config.mjs aliases `oauth-otel` here when it is an npm-workspace symlink).
//
// Next.js bundles a workspace package even when it is listed in serverExternalPackages: Turbopack
// (and webpack) follow node_modules/oauth-otel to packages/oauth-otel, which is not under
// node_modules, and then treat it as app source (vercel/next.js#84388). This shim loads the
// package with Node's own require instead, so instrumentation.ts and every route handler share
// one module instance, exactly as serverExternalPackages gives an app that installs oauth-otel
// from npm. process.getBuiltinModule keeps the bundler from following the require.
const { createRequire } = process.getBuiltinModule('node:module');
const { join } = process.getBuiltinModule('node:path');

module.exports = createRequire(join(process.cwd(), 'oauth-otel-loader.js'))('oauth-otel');
