import { describe, expect, it } from 'vitest';
import { RequestCompleted } from './events.js';
import { FrameKinds, isFrameKind, isTerminalFrame } from './frames.js';
import { Headers, answerHeader, isStageOwnedHeader } from './headers.js';
import { OP_VALUES, Ops, QueueGroups, StageNames, Subjects, isOp } from './subjects.js';

describe('Subjects', () => {
  it('are versioned and name the pipeline stages as operators see them on the bus', () => {
    expect(Subjects.entry(Ops.chatCompletions)).toBe('llm.v1.chat.completions');
    expect(Subjects.validatedEntry(Ops.models)).toBe('llm.v1.validated.models');
    expect(Subjects.cache).toBe('llm.v1.stage.cache');
    expect(Subjects.route).toBe('llm.v1.stage.route');
    expect(Subjects.provider('anthropic')).toBe('llm.v1.stage.provider.anthropic');
    expect(Subjects.events.requestCompleted).toBe('llm.v1.events.request.completed');
  });

  it('the events wildcard covers every event subject', () => {
    const pattern = new RegExp(`^${Subjects.events.all.replace(/\./g, '\\.').replace('>', '.+')}$`);
    expect(pattern.test(Subjects.events.requestCompleted)).toBe(true);
    expect(pattern.test(Subjects.presence)).toBe(false);
  });

  it('gives each provider its own worker queue group', () => {
    expect(QueueGroups.worker('openai')).toBe('worker.openai');
    expect(QueueGroups.worker('openai')).not.toBe(QueueGroups.worker('groq'));
    expect(StageNames.provider('groq')).toBe('provider.groq');
  });

  it('isOp accepts the known operations only', () => {
    expect(OP_VALUES).toEqual(['chat.completions', 'embeddings', 'models']);
    expect(isOp('chat.completions')).toBe(true);
    expect(isOp('embeddings')).toBe(true);
    expect(isOp('completions')).toBe(false);
  });
});

describe('isStageOwnedHeader', () => {
  it('covers identity, routing and answer headers a caller must not forge, in any case', () => {
    for (const h of [
      Headers.keyId,
      Headers.team,
      Headers.allowedModels,
      Headers.provider,
      Headers.deployment,
      answerHeader('x-ratelimit-remaining-requests'),
      'Sy-Key-Id',
    ]) {
      expect(isStageOwnedHeader(h)).toBe(true);
    }
  });

  it('leaves the caller its own headers: authorization and trace context', () => {
    expect(isStageOwnedHeader(Headers.authorization)).toBe(false);
    expect(isStageOwnedHeader(Headers.traceparent)).toBe(false);
    expect(isStageOwnedHeader(Headers.tracestate)).toBe(false);
  });
});

describe('frames', () => {
  it('only chunk frames are non-terminal', () => {
    expect(Object.values(FrameKinds).filter((k) => !isTerminalFrame(k))).toEqual(['chunk']);
  });

  it('isFrameKind rejects unknown kinds and inherited keys', () => {
    expect(isFrameKind('done')).toBe(true);
    expect(isFrameKind('partial')).toBe(false);
    expect(isFrameKind('hasOwnProperty')).toBe(false);
    expect(isFrameKind(undefined)).toBe(false);
  });
});

describe('RequestCompleted', () => {
  const event = {
    request_id: 'req-1',
    op: 'chat.completions',
    stream: true,
    status: 200,
    received_at: 1_700_000_000_000,
    duration_ms: 120,
    ttft_ms: 35,
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };

  it('accepts a complete event', () => {
    expect(RequestCompleted.parse(event)).toEqual(event);
  });

  it('rejects negative durations and non-integer statuses', () => {
    expect(RequestCompleted.safeParse({ ...event, duration_ms: -1 }).success).toBe(false);
    expect(RequestCompleted.safeParse({ ...event, status: 200.5 }).success).toBe(false);
    expect(RequestCompleted.safeParse({ ...event, stream: undefined }).success).toBe(false);
  });

  it('carries an optional cost and cache-creation tokens, never a negative cost', () => {
    const priced = {
      ...event,
      usage: { ...event.usage, cached_tokens: 4, cache_creation_tokens: 2 },
      cost_usd: 0.000125,
    };
    expect(RequestCompleted.parse(priced)).toEqual(priced);
    expect(RequestCompleted.safeParse({ ...event, cost_usd: -0.01 }).success).toBe(false);
  });
});
