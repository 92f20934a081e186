/**
 * The metric reference in README.md and docs/*.md, the log field table and the event table are
 * generated from the catalogs; this fails when one drifts (fix: `node scripts/docs/generate.cjs`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_DEFINITIONS } from '../../src/catalog';
import { VERSION } from '../../src/version';

const root = join(__dirname, '../../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderRegions, FILES } = require(join(root, 'scripts/docs/render.cjs')) as { renderRegions: (s: string) => string; FILES: string[] };

test.each(FILES)('%s is in sync with the catalogs', (file) => {
  const text = readFileSync(join(root, file), 'utf8');
  expect(text).toContain(':start -->');
  expect(renderRegions(text)).toBe(text);
});

test('README lists every metric of the catalog', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const d of METRIC_DEFINITIONS) expect(readme).toContain('`' + d.name + '`');
});

test('the version constant matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/oauth-otel/package.json'), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});

describe('packages/oauth-otel/README.md (shipped in the npm package)', () => {
  const pkgDir = join(root, 'packages/oauth-otel');
  const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../../src') as Record<string, unknown> & { oauth: Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const catalog = require('../../src/catalog') as typeof import('../../src/catalog');

  test('is listed in the package files', () => {
    const pj = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(pj.files).toContain('README.md');
    for (const [, sub] of readme.matchAll(/`oauth-otel(\/[\w-]+)?`/g)) expect(Object.keys(pj.exports)).toContain(sub ? `.${sub}` : '.');
  });

  test('names only real exports, metrics, events and documents', () => {
    const calls = [...readme.matchAll(/\b(?:oauth\.)?([a-zA-Z]+)\(/g)].map((m) => m[0].replace(/\($/, ''));
    expect(calls.length).toBeGreaterThan(8);
    for (const c of calls) {
      if (c === 'refresh' || c === 'exchangeCode') continue; // the app's own functions in the example
      if (c === 'instrumentOidcProvider') continue; // oauth-otel/oidc-provider, checked below
      const ok = c.startsWith('oauth.') ? typeof api.oauth[c.slice(6)] === 'function' : typeof api[c] === 'function';
      expect({ call: c, exported: ok }).toEqual({ call: c, exported: true });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof (require('../../src/adapters/oidc-provider') as Record<string, unknown>).instrumentOidcProvider).toBe('function');
    const metricNames = new Set(catalog.METRIC_DEFINITIONS.map((d) => d.name));
    for (const [name] of readme.matchAll(/\boauth_[a-z_]+(?<!_)\b/g)) {
      const known = metricNames.has(name) || catalog.EVENT_NAMES.includes(name) || name === 'oauth_server_';
      expect({ name, known }).toEqual({ name, known: true });
    }
    for (const [, n] of readme.matchAll(/`(oauth\.security\.[a-z_.]+)`/g)) expect(Object.values(catalog.EVENT_NAME_BY_FLAT)).toContain(n);
    for (const [, d] of readme.matchAll(/`(docs\/[\w/.-]+\.md)`/g)) expect(existsSync(join(root, d!))).toBe(true);
    for (const [, c] of readme.matchAll(/`(src\/[\w/]+)\/`/g)) expect(existsSync(join(pkgDir, c!))).toBe(true);
  });
});
