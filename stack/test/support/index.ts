export * from './backends';
export * from './process';
export * from './victorialogs';
export * from './collector';
export * from './prometheus';
export * from './otlp';
export * from './alertmanager';
export * from './jaeger';
