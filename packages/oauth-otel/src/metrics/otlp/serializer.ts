import { ProtobufMetricsSerializer, type ISerializer, type IExportMetricsServiceResponse } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import Long from 'long';
import { noticeOnce } from '../../internal/diag';
import { EXEMPLARS, type Exemplar } from '../aggregate/series';
import { exportMetricsServiceRequest } from './schema';

/** The decoded shapes this module touches (protobufjs messages, camelCase fields). */
interface PbPoint { exemplars?: unknown[] }
interface PbMetric { name?: string; histogram?: { dataPoints?: PbPoint[] } }
interface PbRequest { resourceMetrics?: { scopeMetrics?: { metrics?: PbMetric[] }[] }[] }

type Point = { startTime: [number, number]; [EXEMPLARS]?: (Exemplar | undefined)[] };

/**
 * The stock protobuf serializer, plus the producer's exemplars on histogram data points.
 * otlp-transformer 0.301 never writes HistogramDataPoint.exemplars (field 8): the stock bytes are
 * decoded with the official schema, the exemplars added, and the message encoded again, so every
 * other field is exactly what the stock exporter sends. A request with no exemplars is the stock
 * bytes, untouched.
 */
export const ExemplarMetricsSerializer: ISerializer<ResourceMetrics, IExportMetricsServiceResponse> = {
  serializeRequest(rm: ResourceMetrics): Uint8Array | undefined {
    const stock = ProtobufMetricsSerializer.serializeRequest(rm);
    const arg = [rm];
    if (stock === undefined || !hasExemplars(arg)) return stock;
    try {
      const type = exportMetricsServiceRequest();
      const msg = type.decode(stock) as unknown as PbRequest;
      if (!addExemplars(arg, msg)) return stock;
      return type.encode(type.fromObject(msg as Record<string, unknown>)).finish();
    } catch (err) {
      // Exemplars are an extra: never lose the data points over them (e.g. a bundler left the .proto files out).
      noticeOnce('otlp_exemplars', `OTLP metrics are sent without exemplars: ${err instanceof Error ? err.name : 'error'}`);
      return stock;
    }
  },
  deserializeResponse: (data) => ProtobufMetricsSerializer.deserializeResponse(data),
};

function hasExemplars(arg: ResourceMetrics[]): boolean {
  for (const rm of arg) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) for (const p of m.dataPoints) if ((p as Point)[EXEMPLARS] !== undefined) return true;
  return false;
}

/** Walks the SDK request and the decoded one in step (the transformer keeps order); false on any mismatch. */
function addExemplars(arg: ResourceMetrics[], msg: PbRequest): boolean {
  const rms = msg.resourceMetrics ?? [];
  if (rms.length !== arg.length) return false;
  let added = false;
  for (let r = 0; r < arg.length; r++) {
    const sms = rms[r]?.scopeMetrics ?? [];
    const src = arg[r]!.scopeMetrics;
    if (sms.length !== src.length) return false;
    for (let s = 0; s < src.length; s++) {
      const ms = sms[s]?.metrics ?? [];
      const srcMetrics = src[s]!.metrics;
      if (ms.length !== srcMetrics.length) return false;
      for (let i = 0; i < srcMetrics.length; i++) {
        const m = srcMetrics[i]!;
        const pb = ms[i]!;
        if (pb.name !== m.descriptor.name) return false;
        const points = pb.histogram?.dataPoints;
        if (points === undefined) continue;
        if (points.length !== m.dataPoints.length) return false;
        for (let j = 0; j < points.length; j++) {
          const kept = (m.dataPoints[j] as unknown as Point)[EXEMPLARS];
          if (kept === undefined) continue;
          const out = toOtlp(kept, (m.dataPoints[j] as unknown as Point).startTime);
          if (out.length === 0) continue;
          points[j]!.exemplars = out;
          added = true;
        }
      }
    }
  }
  return added;
}

const HEX_ID = /^[0-9a-f]+$/;

/** Only exemplars measured inside the point's window (a delta point must not repeat an old one). */
function toOtlp(kept: readonly (Exemplar | undefined)[], start: [number, number]): object[] {
  const startMs = start[0] * 1000 + start[1] / 1e6;
  const out: object[] = [];
  for (const e of kept) {
    if (e === undefined || e.timeMs < startMs) continue;
    if (e.traceId.length !== 32 || e.spanId.length !== 16 || !HEX_ID.test(e.traceId) || !HEX_ID.test(e.spanId)) continue;
    out.push({
      timeUnixNano: Long.fromString(String(BigInt(Math.round(e.timeMs)) * 1_000_000n), true),
      asDouble: e.value,
      spanId: Buffer.from(e.spanId, 'hex'),
      traceId: Buffer.from(e.traceId, 'hex'),
    });
  }
  return out;
}
