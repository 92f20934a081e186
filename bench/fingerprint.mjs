#!/usr/bin/env node
// Token / flow-id fingerprints (12 hex characters of HMAC-SHA256), side by side: the internal
// fingerprint() the recording API (flowRef, tokenRef) and the oidc-provider adapter (refresh-token
// jti and client IP, twice per refresh) call, the redaction's createFingerprinter() (HMAC from
// two one-shot crypto.hash calls over precomputed pads), createHmac with a cached KeyObject, and
// an unkeyed crypto.hash as the floor.
//   npm run build && node bench/fingerprint.mjs [--smoke]
import { createRequire } from 'node:module';
import { createHmac, createSecretKey, hash, randomBytes } from 'node:crypto';
import { compare, report } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const { fingerprint } = require('../packages/oauth-otel/dist/internal/fingerprint.js');
const { createFingerprinter } = require('../packages/oauth-otel/dist/redaction/fingerprint.js');

const key = randomBytes(32);
const keyObject = createSecretKey(key);
const fast = createFingerprinter(key);
// a refresh-token jti as oidc-provider makes them (43 base64url characters), varied per call
const values = Array.from({ length: 1024 }, () => randomBytes(32).toString('base64url'));
const sameResult = fast(values[0]) === createHmac('sha256', key).update(values[0]).digest('hex').slice(0, 12);
console.log(`createFingerprinter() equals createHmac(): ${sameResult}`);

const results = await compare([
  { name: 'internal fingerprint() (createHmac, Buffer key)', fn: (i) => fingerprint(values[i & 1023]) },
  { name: 'createFingerprinter() (hash-based HMAC)', fn: (i) => fast(values[i & 1023]) },
  { name: 'createHmac, cached KeyObject', fn: (i) => createHmac('sha256', keyObject).update(values[i & 1023]).digest('hex').slice(0, 12) },
  { name: 'crypto.hash sha256 (unkeyed floor)', fn: (i) => hash('sha256', values[i & 1023], 'hex').slice(0, 12) },
], { ops: 20_000 });
report('fingerprint', 'One 12-hex-character fingerprint of a 43-character token', results, 'createFingerprinter() (hash-based HMAC)');
