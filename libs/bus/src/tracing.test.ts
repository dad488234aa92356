import { headers as natsHeaders } from '@nats-io/transport-node';
import { Headers } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { endSpan, injectSpan, recordUsage, startStageSpan, startUpstreamSpan } from './tracing.js';

// Without the SDK (no `startOtel` in this process), spans must be free and invisible.
describe('stage spans without the OpenTelemetry SDK', () => {
  it('record nothing and leave the forwarded traceparent as it came', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const h = natsHeaders();
    h.set(Headers.traceparent, traceparent);
    h.set(Headers.model, 'gpt-4o');

    const stage = startStageSpan('cache', 'llm.v1.stage.cache', h);
    expect(stage.span.isRecording()).toBe(false);
    injectSpan(stage, h);
    expect(h.get(Headers.traceparent)).toBe(traceparent);
    endSpan(stage.span, new Error('boom'));

    const upstream = startUpstreamSpan(h, 'gpt-4o-2024-08-06');
    const result = { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    expect(recordUsage(upstream, result)).toBe(result);
    expect(recordUsage(undefined, undefined)).toBeUndefined();
    endSpan(upstream);
  });
});
