/**
 * Runs the type-level tests (catalog.test-d.ts) in the jest run too: tsc must accept every valid
 * line and find an error on every `@ts-expect-error` line (an unused directive is an error).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');

test('catalog.test-d.ts type-checks: closed vocabularies reject unknown literals', () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const file = join(__dirname, 'catalog.test-d.ts');
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'ES2023', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck', '--types', 'node', file], { cwd: root, encoding: 'utf8' });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  expect(output).toBe('');
  // The file really holds rejected lines (a file without any would prove nothing).
  const expected = require('node:fs').readFileSync(file, 'utf8').match(/@ts-expect-error/g) as string[];
  expect(expected.length).toBeGreaterThan(15);
}, 120_000);
