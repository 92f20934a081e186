import { logs } from '@opentelemetry/api';
import { logs as legacyLogs } from '@opentelemetry/api-logs';

/**
 * `@opentelemetry/winston-transport` 0.34 emits through the old `@opentelemetry/api-logs`
 * global, while OTel JS 3.x registers providers with `@opentelemetry/api`: without this bridge
 * every winston record is silently dropped. Handing api-logs the API's proxy provider makes it
 * follow whatever provider is (or will be) registered, in any start-up order. Idempotent.
 */
export function bridgeLegacyLogsApi(): void {
  legacyLogs.setGlobalLoggerProvider(logs.getLoggerProvider() as unknown as Parameters<typeof legacyLogs.setGlobalLoggerProvider>[0]);
}
