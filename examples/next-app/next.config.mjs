// Next.js configuration of the oauth-otel example client.
//
// serverExternalPackages: oauth-otel is loaded with Node's own require() instead of being bundled,
// so instrumentation.ts and every route handler share ONE module instance: one MeterProvider, one
// registry, one logger. Its own dependencies (OTel SDK, winston) are then required by Node too.
// (oauth-otel also keeps its state on globalThis, so even two bundled copies would agree; the e2e
// test proves that /api/metrics sees what the jobs started by instrumentation.ts record, and that
// the build holds no copy of the package.)
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * In this monorepo `oauth-otel` is an npm-workspace symlink (node_modules/oauth-otel ->
 * packages/oauth-otel), which Next.js bundles despite serverExternalPackages. Then it is loaded
 * through lib/workspace/oauth-otel.cjs, a plain Node require. An app that installs oauth-otel from
 * npm needs none of this: serverExternalPackages alone keeps it external.
 */
function isWorkspaceSymlink(pkg) {
  for (let dir = here; ; dir = dirname(dir)) {
    try {
      return lstatSync(join(dir, 'node_modules', pkg)).isSymbolicLink();
    } catch {
      if (dirname(dir) === dir) return false;
    }
  }
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['oauth-otel'],
  // No image optimisation, no remote assets: the app never downloads anything at build or run time.
  images: { unoptimized: true },
  ...(isWorkspaceSymlink('oauth-otel') ? { turbopack: { resolveAlias: { 'oauth-otel': './lib/workspace/oauth-otel.cjs' } } } : {}),
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
