#!/usr/bin/env node
// Rewrites the generated regions of the docs from the package catalogs (run `npm run build` first).
const fs = require('node:fs');
const path = require('node:path');
const { renderRegions, FILES } = require('./render.cjs');
const root = path.join(__dirname, '../..');
for (const f of FILES) {
  const p = path.join(root, f);
  const before = fs.readFileSync(p, 'utf8');
  const after = renderRegions(before);
  if (after !== before) {
    fs.writeFileSync(p, after);
    console.log(`updated ${f}`);
  }
}
