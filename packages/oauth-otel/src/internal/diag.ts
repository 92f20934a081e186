import { diag } from '@opentelemetry/api';
import type { TelemetrySignal, TelemetryDropReason } from '../catalog/vocabularies';
import { runtime } from './runtime';

/**
 * Reports a problem with caller input once per kind through OTel diag, and counts it in
 * `oauth_telemetry_dropped_total`. Never throws: this is the path every recording call takes
 * when it meets bad input.
 */
export function reportDrop(
  signal: TelemetrySignal,
  reason: TelemetryDropReason,
  kind: string,
  message: string,
  count = 1,
): void {
  try {
    const rt = runtime();
    rt.countDrop(signal, reason, count);
    if (!rt.reported.has(kind)) {
      if (rt.reported.size < 1000) rt.reported.add(kind);
      diag.warn(`oauth-otel: ${message} (reported once)`);
    }
  } catch {
    // Diagnostics must never become the failure.
  }
}

/** Says something once through diag without counting a drop. */
export function noticeOnce(kind: string, message: string): void {
  try {
    const rt = runtime();
    if (rt.reported.has(kind)) return;
    rt.reported.add(kind);
    diag.info(`oauth-otel: ${message}`);
  } catch {
    /* never throw */
  }
}
