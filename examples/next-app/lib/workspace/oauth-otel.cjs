// Monorepo only (next.config.mjs aliases `oauth-otel` here when it is an npm-workspace symlink).
//
// Next.js bundles a workspace package even when it is listed in serverExternalPackages: Turbopack
// (and webpack) follow node_modules/oauth-otel to packages/oauth-otel, which is not under
// node_modules, and then treat it as app source (vercel/next.js#84388). This shim loads the
// package with Node's own require instead, so instrumentation.ts and every route handler share
// one module instance, exactly as serverExternalPackages gives an app that installs oauth-otel
// from npm. process.getBuiltinModule keeps the bundler from following the require.
const { createRequire } = process.getBuiltinModule('node:module');
const { join, resolve } = process.getBuiltinModule('node:path');

function load() {
  // From the working directory (repo root, the app, or /app in the Docker image), else from the
  // `next` binary that runs the server (installed next to oauth-otel).
  const bases = [join(process.cwd(), 'noop.js'), process.argv[1] && resolve(process.argv[1])].filter(Boolean);
  let last;
  for (const base of bases) {
    try {
      return createRequire(base)('oauth-otel');
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

module.exports = load();
