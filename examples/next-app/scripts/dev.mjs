#!/usr/bin/env node
// Runs the example alone: builds what is missing, starts the example authorization server three
// times (honest on :4000, wrong-iss on :4001, no-s256 on :4002; their /metrics on :9464-9466) and
// the Next.js app on http://127.0.0.1:3000. Ctrl-C stops everything.
//
//   npm run demo -w @oauth-otel/example-next-app             # next start (production build)
//   npm run demo -w @oauth-otel/example-next-app -- --dev    # next dev
//
// Environment: METRICS_TOKEN (else a random one, printed), OTEL_EXPORTER_OTLP_ENDPOINT (logs to a
// Collector, e.g. the docker-compose one on http://127.0.0.1:4318), and the app's own settings
// (see README.md). The demo pace: tokens count as expiring soon for an hour, jobs every 30 s.
import { ensureBuilt, startExample } from './lib/stack.mjs';

const dev = process.argv.includes('--dev');
if (!dev) ensureBuilt({ force: process.argv.includes('--build') });

const example = await startExample({ dev });
console.log(`
  oauth-otel Next.js example is running

  app             ${example.appUrl}
  auth servers    ${example.servers.map((s) => `${s.issuer} (${s.variant})`).join(', ')}
  app metrics     curl -H "Authorization: Bearer ${example.metricsToken}" ${example.appUrl}/api/metrics
  AS metrics      ${example.servers.map((s) => s.metrics ?? '-').join(', ')}
  demo users      alice / alice-password, bob / bob-password
  attacks         METRICS_TOKEN=${example.metricsToken} node examples/next-app/scripts/attacks.mjs --app ${example.appUrl}
`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    example.stop().then(() => process.exit(0));
  });
}
for (const c of example.children) {
  c.once('exit', (code) => {
    if (stopping) return;
    console.error(`a child process exited (${code}); stopping`);
    stopping = true;
    example.stop().then(() => process.exit(1));
  });
}
