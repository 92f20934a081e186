#!/usr/bin/env node
// The secret-in-URL check (issue 14): what the traffic observer adds to any outgoing request whose
// path has a query, and the AS adapter to each request it reports on. secretQueryParameters() on
// typical non-OAuth queries and on one carrying an access token, beside URLSearchParams (parsing the
// same query, names and values, as an app would) and a plain indexOf('?') (what a request without
// a query costs).
//   npm run build && node bench/query-names.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const { secretQueryParameters } = require('../packages/oauth-otel/dist/redaction/query-names.js');

const QUERIES = [
  'page=2&sort=desc&q=hello%20world',
  'utm_source=news&utm_medium=email&utm_campaign=dec&ref=home&lang=en&id=12345',
  'access_token=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl&x=1',
];
const paths = QUERIES.map((q) => `/api/items?${q}`);
const results = await compare([
  { name: 'secretQueryParameters (3 typical queries)', fn: (i) => secretQueryParameters(QUERIES[i % 3]) },
  { name: 'new URLSearchParams + iterate names (same queries)', fn: (i) => { let n = 0; for (const _ of new URLSearchParams(QUERIES[i % 3]).keys()) n++; return n; } },
  { name: "indexOf('?') only (a request without a query)", fn: (i) => paths[i % 3].indexOf('?') },
], { ops: 20_000 });
report('query-names', 'Secret query parameter names of one URL query (names only, values never read)', results, 'new URLSearchParams + iterate names (same queries)');
