// Fails early when the scripts run on a Node older than the runtime target (OTel JS 3.x needs >= 22.15).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  console.error(`oauth-otel: Node ${process.versions.node} is too old; run through npm so node_modules/.bin/node (Node 24) is used.`);
  process.exit(1);
}
console.log(`oauth-otel: scripts run on Node ${process.versions.node}`);
