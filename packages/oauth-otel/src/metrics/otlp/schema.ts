import { join } from 'node:path';
import { Root, type Type } from 'protobufjs';

/**
 * The OTLP metrics request type, loaded once from the vendored opentelemetry-proto v1.11.0 files
 * (packages/oauth-otel/proto, Apache-2.0). A maintained protobuf library encodes it: the package
 * writes no wire format by hand.
 */
const PROTO_ROOT = join(__dirname, '..', '..', '..', 'proto');
const SERVICE = 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto';

let request: Type | undefined;

export function exportMetricsServiceRequest(): Type {
  if (request !== undefined) return request;
  const root = new Root();
  // Imports in the .proto files are relative to the proto root, not to the importing file.
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target.startsWith(PROTO_ROOT) ? target.slice(PROTO_ROOT.length + 1) : target);
  root.loadSync(SERVICE, { keepCase: false });
  request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
  return request;
}
