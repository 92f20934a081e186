#!/usr/bin/env node
/**
 * Builds the pre-issue-15 redactor into bench/lib/baseline-redaction/ (git-ignored, generated):
 * the package's src/redaction at the commit before issue 15's first redaction change, compiled
 * with the repo's TypeScript. Benchmarks load it beside the current build, in one process, so
 * regressions are ratios measured side by side rather than numbers from different days.
 *
 *   node bench/lib/build-baseline-redaction.mjs [commit]
 *
 * The default commit is the parent of 5ccb2af ("word-based key classification, gitleaks value
 * detectors…", issue 15's first change under src/redaction).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const commit = process.argv[2] ?? '5ccb2af^';
const out = join(here, 'baseline-redaction');
const src = join(out, 'src');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

const sha = git('rev-parse', commit).trim();
rmSync(out, { recursive: true, force: true });
mkdirSync(src, { recursive: true });
const dir = 'packages/oauth-otel/src/redaction';
for (const path of git('ls-tree', '--name-only', `${sha}:${dir}`).split('\n').filter((p) => p.endsWith('.ts'))) {
  writeFileSync(join(src, path), git('show', `${sha}:${dir}/${path}`));
}
writeFileSync(join(out, 'tsconfig.json'), `${JSON.stringify({
  extends: '../../../tsconfig.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist', declaration: false, types: ['node'] },
  include: ['src/**/*.ts'],
}, null, 2)}\n`);
writeFileSync(join(out, 'COMMIT'), `${sha}\n`);
const tsc = join(root, 'node_modules/typescript/bin/tsc');
if (!existsSync(tsc)) throw new Error(`missing ${tsc}: run npm ci`);
execFileSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
console.log(`baseline redaction from ${sha} in ${join(out, 'dist')}`);
