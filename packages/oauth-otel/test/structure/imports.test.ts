/**
 * The module graph of src/ (type-only imports included: a type circle is still a knot a reader
 * has to untie): no import circle, and the floors hold — the catalog imports nothing outside
 * itself, internal/ sits below the API, logs/ does not reach into init/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [base + '.ts', join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* not this candidate */
    }
  }
  throw new Error(`unresolved import ${spec} in ${relative(SRC, from)}`);
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

const graph = new Map<string, string[]>();
for (const f of files(SRC)) {
  const text = readFileSync(f, 'utf8');
  const deps = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(f, (m[1] ?? m[2])!);
    if (target !== undefined) deps.add(target);
  }
  graph.set(f, [...deps]);
}
const rel = (f: string) => relative(SRC, f);

test('the graph was read (sanity: the API imports the catalog)', () => {
  expect(graph.size).toBeGreaterThan(40);
  expect(graph.get(join(SRC, 'api/flows.ts'))!.map(rel)).toContain('catalog/events.ts');
});

test('no import circle in src/', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test('the floors hold', () => {
  const broken: string[] = [];
  const rule = (from: string, forbidden: (to: string) => boolean) => {
    for (const [f, deps] of graph) if (rel(f).startsWith(from)) for (const d of deps) if (forbidden(rel(d))) broken.push(`${rel(f)} → ${rel(d)}`);
  };
  rule('catalog/', (to) => !to.startsWith('catalog/'));
  rule('internal/', (to) => /^(api|metrics|logs|init|adapters)\//.test(to));
  rule('logs/', (to) => to.startsWith('init/'));
  rule('api/', (to) => /^(logs|init|adapters)\//.test(to));
  rule('adapters/', (to) => /^(logs|init|metrics)\//.test(to));
  expect(broken).toEqual([]);
});
