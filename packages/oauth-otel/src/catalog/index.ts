/**
 * The catalog: the ground floor of oauth-otel. Metrics, closed vocabularies, events and
 * attribute names are defined here once; everything else (the recording API, the adapter, the
 * docs renderer, the dashboards generator, the tests) reads them. It imports nothing outside.
 */
export * from './vocabularies';
export * from './metrics';
export * from './events';
export * from './attributes';
export * from './spans';
export * from './threats';
