#!/usr/bin/env node
// Writes the collector's scrub rules into otel-collector.yaml from the package's own catalogs
// (packages/oauth-otel/src/redaction/{words,detectors}.ts, via the built dist): one rule set,
// two layers. Run after `npm run build` whenever the catalogs change; --check fails on drift
// (test/redaction/collector-rules.test.ts checks the same from the sources).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { collectorRulesYaml } = require(join(root, 'packages/oauth-otel/dist/redaction/collector-rules.js'));

export function render(yaml, generated) {
  const put = (text, name, body) => {
    const re = new RegExp(`(# BEGIN generated:${name}[ (][^\\n]*\\n)[\\s\\S]*?([ \\t]*# END generated:${name})`);
    if (!re.test(text)) throw new Error(`otel-collector.yaml has no generated:${name} markers`);
    return text.replace(re, (_m, a, b) => `${a}${body}\n${b}`);
  };
  let out = put(yaml, 'scrub', generated.transform);
  out = put(out, 'scrub-resource', generated.resource);
  out = put(out, 'scrub-scope', generated.scope);
  return put(out, 'secrets', generated.redaction);
}

const file = join(root, 'otel-collector.yaml');
const before = readFileSync(file, 'utf8');
const after = render(before, collectorRulesYaml());
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('otel-collector.yaml is out of date: run `npm run build && node scripts/gen-collector-scrub.mjs`');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(file, after);
  console.log('otel-collector.yaml: scrub rules regenerated');
}
