import type { SeverityNumber } from '@opentelemetry/api';
import type { LogLevel } from '../types';
import { LEVEL_SEVERITY_NUMBER } from '../catalog/vocabularies';

/** winston levels, most severe first (the OTel level set, so `fatal` exists for P0 events). */
export const LEVELS: Readonly<Record<LogLevel, number>> = Object.freeze({ fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 });

export const LEVEL_NAMES = Object.keys(LEVELS) as LogLevel[];

/** The catalog's level → OTel SeverityNumber map (the values are the SeverityNumber enum's). */
export const SEVERITY_NUMBER: Readonly<Record<LogLevel, SeverityNumber>> = LEVEL_SEVERITY_NUMBER as Readonly<Record<LogLevel, SeverityNumber>>;

/** `LOG_LEVEL`, else by environment: production info, test warn, anything else debug. */
export function defaultLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const fromEnv = env.LOG_LEVEL?.trim().toLowerCase();
  if (fromEnv && (LEVEL_NAMES as string[]).includes(fromEnv)) return fromEnv as LogLevel;
  const nodeEnv = env.NODE_ENV;
  if (nodeEnv === 'production') return 'info';
  if (nodeEnv === 'test') return 'warn';
  return 'debug';
}
