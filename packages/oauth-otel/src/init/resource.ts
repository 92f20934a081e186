import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config';

/**
 * Resource of every metric and log: SDK defaults, then `OTEL_SERVICE_NAME` /
 * `OTEL_RESOURCE_ATTRIBUTES`, then options. No `service.instance.id`: Loki indexes it by default
 * and a random id per process would open new streams on every restart.
 */
export function buildResource(cfg: ResolvedConfig): Resource {
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  const attrs: Record<string, string | number | boolean> = { ...cfg.resourceAttributes };
  if (cfg.serviceName) attrs['service.name'] = cfg.serviceName;
  const version = cfg.serviceVersion ?? process.env.OTEL_SERVICE_VERSION;
  if (version) attrs['service.version'] = version;
  const current = resource.attributes;
  const env =
    cfg.environment ??
    (current['deployment.environment.name'] as string | undefined) ??
    (current['deployment.environment'] as string | undefined) ??
    process.env.NODE_ENV ??
    'development';
  attrs['deployment.environment.name'] = env;
  resource = resource.merge(resourceFromAttributes(attrs));
  return resource;
}
