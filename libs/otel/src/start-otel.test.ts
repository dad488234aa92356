import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtel, tracesUrlOf, type Otel } from './start-otel.js';

let otel: Otel | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

describe('tracesUrlOf', () => {
  it('appends /v1/traces to the base endpoint, and takes the traces endpoint as given', () => {
    expect(tracesUrlOf({})).toBeUndefined();
    expect(tracesUrlOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      tracesUrlOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
      }),
    ).toBe('http://other:4318/custom');
  });
});

describe('startOtel', () => {
  it('stays off without an endpoint: the API keeps its no-ops', () => {
    otel = startOtel({ serviceName: 'test', env: {} });
    expect(otel.enabled).toBe(false);
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
  });

  it('stays off when told to, endpoint or not', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(startOtel({ serviceName: 't', env: { ...endpoint, OTEL_SDK_DISABLED: 'true' } }).enabled).toBe(
      false,
    );
    expect(startOtel({ serviceName: 't', env: { ...endpoint, OTEL_TRACES_EXPORTER: 'none' } }).enabled).toBe(
      false,
    );
  });

  it('records spans with the service name, propagates W3C trace context, and unregisters on stop', async () => {
    const exporter = new InMemorySpanExporter();
    otel = startOtel({ serviceName: 'switchyard-policy', env: {}, exporter });
    expect(otel.enabled).toBe(true);

    const span = trace.getTracer('t').startSpan('work');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    expect(carrier['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);

    const [finished] = exporter.getFinishedSpans();
    expect(finished?.name).toBe('work');
    expect(finished?.resource.attributes['service.name']).toBe('switchyard-policy');

    await otel.stop();
    otel = undefined;
    expect(trace.getTracer('t').startSpan('after').isRecording()).toBe(false);
  });

  it('lets OTEL_SERVICE_NAME name the service', () => {
    const exporter = new InMemorySpanExporter();
    otel = startOtel({ serviceName: 'switchyard', env: { OTEL_SERVICE_NAME: 'gateway-eu' }, exporter });
    trace.getTracer('t').startSpan('x').end();
    expect(exporter.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('gateway-eu');
  });
});
