#!/usr/bin/env node
// Sends OTLP/HTTP protobuf log records the way an application does: @opentelemetry/sdk-logs with
// @opentelemetry/exporter-logs-otlp-proto. Runs as its own Node process (not inside jest's module
// sandbox, where the exporter's dynamic import('http') needs --experimental-vm-modules).
//
// Usage: node otlp-log-sender.cjs <spec.json>
//   spec: { url, resource: {attrs}, scope: {name, version}, records: [{ severityNumber, severityText,
//           eventName, body, attributes }] }
// Exits 0 once every record was exported successfully, 1 with the errors otherwise.
'use strict';
const { readFileSync } = require('node:fs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchLogRecordProcessor, LoggerProvider } = require('@opentelemetry/sdk-logs');

async function main() {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const inner = new OTLPLogExporter({ url: spec.url, timeoutMillis: 10_000 });
  const failures = [];
  let exported = 0;
  // Records every export result, so a refused or failed export fails the caller's test.
  const exporter = {
    export(records, done) {
      inner.export(records, (result) => {
        if (result.code === 0) exported += records.length;
        else failures.push(String((result.error && result.error.message) || result.error || 'export failed'));
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => (inner.forceFlush ? inner.forceFlush() : Promise.resolve()),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(spec.resource || {}),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger((spec.scope && spec.scope.name) || 'otlp-log-sender', spec.scope && spec.scope.version);
  for (const r of spec.records) logger.emit(r);
  await provider.forceFlush();
  await provider.shutdown();
  if (failures.length > 0 || exported !== spec.records.length) {
    process.stderr.write(`exported ${exported}/${spec.records.length} records; errors: ${failures.join('; ')}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ exported }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e && e.stack) || e}\n`);
  process.exit(1);
});
