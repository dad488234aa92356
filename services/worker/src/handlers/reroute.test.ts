import { natsHeaders, type MsgHdrs, type NatsConnection } from '@switchyard/bus';
import { AttemptFailed, GatewayError, Headers, StageNames, Subjects } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createReroute } from './reroute.js';

function setup(routerAlive = true) {
  const published: { subject: string; data: unknown }[] = [];
  const nc = {
    isClosed: () => false,
    publish: (subject: string, data: string) => void published.push({ subject, data: JSON.parse(data) }),
  } as unknown as NatsConnection;
  const reroute = createReroute({ nc, presence: { isAlive: () => routerAlive } });
  return { reroute, published };
}

function headersOf(extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  const all = {
    [Headers.requestId]: 'req-1',
    [Headers.model]: 'gpt-4o',
    [Headers.routeAlias]: 'gpt-4o',
    [Headers.provider]: 'openai',
    [Headers.deployment]: 'openai/gpt-4o',
    [Headers.attempt]: '1',
    [Headers.maxAttempts]: '3',
    ...extra,
  };
  for (const [k, v] of Object.entries(all)) h.set(k, v);
  return h;
}

const rateLimited = new GatewayError('rate_limited', 'Slow down.', {
  provider: 'openai',
  retryAfterMs: 1_000,
});

describe('reroute', () => {
  it('sends a retryable failure back to the router with the attempt counted and the deployment excluded', () => {
    const { reroute, published } = setup();
    const h = headersOf({ [Headers.excludedDeployments]: 'azure/gpt-4o' });
    expect(reroute(rateLimited, h, false)).toEqual({ forward: Subjects.route, stage: StageNames.router });
    expect(h.get(Headers.attempt)).toBe('2');
    expect(h.get(Headers.excludedDeployments)).toBe('azure/gpt-4o,openai/gpt-4o');
    expect(h.get(Headers.retryAfterMs)).toBe('1000');
    expect(h.get(Headers.lastErrorStatus)).toBe('429');
    expect(h.get(Headers.lastErrorCode)).toBe('rate_limited');
    expect(JSON.parse(h.get(Headers.lastErrorBody))).toMatchObject({
      error: { message: 'Slow down.', code: 'rate_limit_exceeded' },
    });
    expect(published).toHaveLength(1);
    expect(published[0]!.subject).toBe(Subjects.events.attemptFailed);
    expect(AttemptFailed.parse(published[0]!.data)).toEqual({
      request_id: 'req-1',
      model: 'gpt-4o',
      provider: 'openai',
      deployment: 'openai/gpt-4o',
      status: 429,
      error_code: 'rate_limited',
      openai_code: undefined,
      retry_after_ms: 1_000,
      attempt: 1,
    });
  });

  it('clears a Retry-After left by an earlier attempt', () => {
    const { reroute } = setup();
    const h = headersOf({ [Headers.retryAfterMs]: '5000', [Headers.attempt]: '2' });
    reroute(new GatewayError('upstream_error', 'Bad gateway.'), h, false);
    expect(h.get(Headers.retryAfterMs)).toBe('');
    expect(h.get(Headers.attempt)).toBe('3');
  });

  it('sends back a prompt too long for the context window, for a larger model', () => {
    const { reroute } = setup();
    const tooLong = new GatewayError('invalid_request', 'Too long.', {
      openaiCode: 'context_length_exceeded',
    });
    expect(reroute(tooLong, headersOf(), false)).toBeDefined();
  });

  it.each<[string, unknown, Record<string, string>, boolean, boolean]>([
    ['a frame went out already', rateLimited, {}, true, true],
    ['the error is not retryable', new GatewayError('invalid_request', 'No.'), {}, false, true],
    ['the attempts are used up', rateLimited, { [Headers.attempt]: '3' }, false, true],
    ['the router did not stamp a budget', rateLimited, { [Headers.maxAttempts]: '' }, false, true],
    ['the deadline passed', rateLimited, { [Headers.deadline]: String(Date.now() - 1) }, false, true],
    ['no router runs', rateLimited, {}, false, false],
    ['it is not a GatewayError', new Error('boom'), {}, false, true],
  ])('answers instead when %s', (_why, err, extra, started, routerAlive) => {
    const { reroute, published } = setup(routerAlive);
    const h = headersOf(extra);
    expect(reroute(err, h, started)).toBeUndefined();
    expect(published).toEqual([]);
    expect(h.get(Headers.attempt)).toBe(extra[Headers.attempt] ?? '1');
  });
});
