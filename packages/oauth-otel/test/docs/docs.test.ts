/**
 * The metric reference in README.md and docs/*.md, the log field table and the event table are
 * generated from the catalogs; this fails when one drifts (fix: `node scripts/docs/generate.cjs`).
 */
import { readFileSync } from 'node:fs';
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
