import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export type Env = Readonly<Record<string, string | undefined>>;

export interface StartOtelOptions {
  /** `service.name` of every span, unless `OTEL_SERVICE_NAME` says otherwise. */
  serviceName: string;
  env: Env;
  /**
   * Export every span to this exporter at once (tests: an `InMemorySpanExporter`), whatever the
   * environment says.
   */
  exporter?: SpanExporter;
}

export interface Otel {
  /** Whether spans are recorded and exported: false when the SDK was left off. */
  readonly enabled: boolean;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes, then unregisters the SDK: the API is back to its no-ops. */
  stop(): Promise<void>;
}

const OFF: Otel = { enabled: false, flush: async () => {}, stop: async () => {} };

/** Where OTLP/HTTP traces go: the traces endpoint as given, or the base endpoint + `/v1/traces`. */
export function tracesUrlOf(env: Env): string | undefined {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Starts the OpenTelemetry trace SDK for this process: the only place that does. Libraries use
 * `@opentelemetry/api` alone, whose no-ops cost next to nothing until this runs.
 *
 * Spans are exported by OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is
 * set; otherwise the SDK is not started at all. `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` turn it off. W3C trace context (and baggage) is the propagator.
 */
export function startOtel({ serviceName, env, exporter }: StartOtelOptions): Otel {
  let processor: SpanProcessor;
  if (exporter !== undefined) {
    processor = new SimpleSpanProcessor(exporter);
  } else {
    const url = tracesUrlOf(env);
    if (
      url === undefined ||
      env['OTEL_SDK_DISABLED']?.toLowerCase() === 'true' ||
      env['OTEL_TRACES_EXPORTER']?.toLowerCase() === 'none'
    )
      return OFF;
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  }

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] || serviceName }),
    spanProcessors: [processor],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(provider);

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    stop() {
      return (stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
      }));
    },
  };
}
