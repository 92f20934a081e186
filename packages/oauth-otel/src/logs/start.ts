import type { Resource } from '@opentelemetry/resources';
import type { Logger as WinstonLogger } from 'winston';
import type { LogsOptions, TelemetryHandle } from '../types';
import type { ResolvedConfig } from '../init/config';

export interface LogsSide {
  logger: WinstonLogger | undefined;
  attach(handle: TelemetryHandle): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The logs side of initTelemetry() (winston → redaction → stdout JSON and OTLP). */
export async function startLogs(_options: LogsOptions, _resource: Resource, _cfg: ResolvedConfig): Promise<LogsSide | undefined> {
  return undefined;
}
