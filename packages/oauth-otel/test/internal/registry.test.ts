/**
 * One registry of process-wide state: every `Symbol.for('oauth-otel.…')` in src/ is declared in
 * internal/registry.ts, and the test reset clears every one of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as api from '../../src';
import { sharedSymbols } from '../../src/internal/registry';
import { resetRuntimeForTests } from '../../src/internal/runtime';

const SRC = join(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

test('process-wide symbols are declared only in the registry', () => {
  const outside = files(SRC)
    .filter((f) => !f.endsWith('internal/registry.ts'))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/Symbol\.for\(\s*['"](oauth-otel[^'"]*)['"]/g)].map((m) => `${relative(SRC, f)}: ${m[1]}`));
  expect(outside).toEqual([]);
  expect(sharedSymbols().length).toBeGreaterThanOrEqual(6);
});

test('the test reset clears every process-wide object', () => {
  const g = globalThis as unknown as Record<symbol, unknown>;
  api.flowStarted({ provider: 'https://as.example', flowId: 'f-1' }); // metrics, providers, flows, events, runtime
  const before = sharedSymbols().filter((s) => g[s] !== undefined);
  expect(before.length).toBeGreaterThanOrEqual(5);
  resetRuntimeForTests();
  expect(sharedSymbols().filter((s) => g[s] !== undefined)).toEqual([]);
});
