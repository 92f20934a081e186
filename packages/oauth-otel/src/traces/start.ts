import { context, diag, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { noticeOnce } from '../internal/diag';
import type { TracesConfig } from './config';
import { endAllFlows } from './flows';
import { RedactingSpanProcessor } from './processor';
import type { Redactor } from '../redaction';

export interface TracesSide {
  tracerProvider: TracerProvider | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

function sampler(cfg: TracesConfig): Sampler {
  switch (cfg.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(cfg.ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function otlpExporter(cfg: TracesConfig): OTLPTraceExporter | OTLPJsonTraceExporter {
  const opts = cfg.url !== undefined ? { url: cfg.url } : {};
  return cfg.protocol === 'http/json' ? new OTLPJsonTraceExporter(opts) : new OTLPTraceExporter(opts);
}

/** An SDK the app started first owns the tracer, the context manager and the propagator. */
function appOwnsTracing(): boolean {
  const p = trace.getTracerProvider();
  return p instanceof ProxyTracerProvider ? p.getDelegateTracer('oauth-otel') !== undefined : true;
}

/**
 * The tracing side of initTelemetry(), built from the same SDK pieces NodeSDK composes (TracerProvider,
 * batch processor, OTLP/HTTP protobuf or JSON exporter, AsyncLocalStorage context manager, W3C trace
 * context + baggage propagators). Each global is registered only if the app has not registered
 * its own: an app SDK that came first keeps its tracer, and oauth-otel's spans go there.
 */
export function startTraces(cfg: TracesConfig, resource: Resource, redactor: Redactor): TracesSide {
  if (appOwnsTracing()) {
    noticeOnce('global-tracer', 'a global TracerProvider was already registered; OAuth spans go to it');
    return { tracerProvider: undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
  }
  const processors: SpanProcessor[] = [new RedactingSpanProcessor(redactor)];
  processors.push(...cfg.exporters.map((name) =>
    name === 'console'
      ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })
      : new BatchSpanProcessor({ ...cfg.batch, exporter: otlpExporter(cfg) }),
  ));
  const provider = new TracerProvider({ resource, sampler: sampler(cfg), spanProcessors: processors });
  trace.setGlobalTracerProvider(provider);
  // Phases nest through the context manager; W3C trace context joins the AS's spans to the flow.
  const cm = new AsyncLocalStorageContextManager().enable();
  const ownContext = context.setGlobalContextManager(cm);
  if (!ownContext) cm.disable();
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  diag.debug(`oauth-otel: tracing on (${cfg.exporters.join(', ')}, sampler ${cfg.sampler})`);
  return {
    tracerProvider: provider,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      endAllFlows();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      if (ownContext) context.disable();
    },
  };
}
