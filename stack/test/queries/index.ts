export * from './extract';
export * from './grafana';
export * from './promql';
export * from './logql';
export * from './catalog';
