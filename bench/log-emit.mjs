#!/usr/bin/env node
// One log emit of a typical ~230-byte OAuth record: oauth-otel's logger (redaction on) vs pino
// with redact paths vs winston without redaction, side by side, all writing to an in-process null
// stream and yielding every 10 calls as pino's own benchmark does.
//   npm run build && node bench/log-emit.mjs [--smoke]
import { createRequire } from 'node:module';
import { compare, report, nullStream } from './lib/harness.mjs';
const require = createRequire(import.meta.url);
const o = require('../packages/oauth-otel/dist/index.js');
const { logs } = require('@opentelemetry/api');
const { LoggerProvider } = require('@opentelemetry/sdk-logs');
const pino = require('pino');
const winston = require('winston');

// The package's OTel path with a no-op exporter: redacting processor first, then the bounded batch.
const noop = { export: (_r, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: o.createOAuthLogRecordProcessors({ exporter: noop, batch: { maxQueueSize: 1_000_000, maxExportBatchSize: 512 } }) }));

const pkgStdout = o.createLogger({ destination: nullStream(), otel: false, level: 'info' });
const pkgBoth = o.createLogger({ destination: nullStream(), level: 'info' });
const pinoRedact = pino({ redact: ['access_token', 'refresh_token', 'metadata.accessToken', 'metadata.refreshToken'] }, nullStream());
const pinoWild = pino({ redact: ['*.access_token', '*.refresh_token', '*.accessToken', '*.code'] }, nullStream());
const plainWinston = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: nullStream() })] });

// ~230 bytes as JSON, no secret in it: the common case.
const record = () => ({ event: 'token_refresh_success', provider: 'github.com', status: 'success', reason: 'normal', duration_ms: 183, userId: 'u_7f3a9c', serverUuid: '3f1c2b9e-8d7a-4e6f-9a1b-2c3d4e5f6a7b', scope: 'mcp:read mcp:write' });
console.log('record bytes:', JSON.stringify({ ...record(), msg: 'OAuth token refreshed' }).length);

const results = await compare([
  { name: 'oauth-otel logger (stdout JSON, redaction)', fn: () => pkgStdout.info('OAuth token refreshed', record()) },
  { name: 'oauth-otel logger (stdout + OTel, redaction twice)', fn: () => pkgBoth.info('OAuth token refreshed', record()) },
  { name: 'pino + redact (4 static paths)', fn: () => pinoRedact.info(record(), 'OAuth token refreshed') },
  { name: 'pino + redact (4 wildcard paths)', fn: () => pinoWild.info(record(), 'OAuth token refreshed') },
  { name: 'winston, no redaction', fn: () => plainWinston.info('OAuth token refreshed', record()) },
], { ops: 20_000, yieldEvery: 10 });
report('log-emit', 'One log emit, ~230-byte OAuth record', results, 'pino + redact (4 static paths)');
