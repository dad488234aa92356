import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { readSseEvents } from '../../framing/sse.js';
import type { ProviderCall, StreamEvent } from '../types.js';
import { mapAnthropicError } from './errors.js';
import { toAnthropicBody, toAnthropicTarget } from './request.js';
import { readAnthropicResponse } from './response.js';
import { createAnthropicStreamTranslator } from './stream.js';

// Golden fixtures, written from Anthropic's documented wire format: OpenAI requests → Anthropic
// bodies; Anthropic messages, event streams and error answers → what the OpenAI caller gets.
const dir = new URL('./fixtures/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const json = <T>(name: string): T => JSON.parse(read(name)) as T;
const named = (prefix: string, suffix: string): string[] =>
  readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(suffix));

const CREATED = 1_700_000_000;
const target = toAnthropicTarget('anthropic', {
  type: 'anthropic',
  base_url: 'https://api.anthropic.com',
  anthropic_version: '2023-06-01',
  default_max_tokens: 4096,
  api_key: 'sk-ant-test',
  headers: {},
  connections: 4,
  drop_params: false,
});
const call = (body: Record<string, unknown>, stream: boolean, includeUsage = false): ProviderCall => ({
  providerId: 'anthropic',
  upstreamModel: 'claude-sonnet-4-5',
  stream,
  includeUsage,
  body,
  signal: new AbortController().signal,
});

describe('golden requests: OpenAI → Anthropic', () => {
  it.each(named('request-', '.json'))('%s', (file) => {
    const fixture = json<{ stream: boolean; openai: Record<string, unknown>; anthropic: unknown }>(file);
    expect(toAnthropicBody(target, call(fixture.openai, fixture.stream))).toEqual(fixture.anthropic);
  });
});

describe('golden responses: Anthropic → OpenAI', () => {
  it.each(named('response-', '.json'))('%s', (file) => {
    const fixture = json<{ anthropic: unknown; openai: Record<string, unknown> }>(file);
    const bytes = new TextEncoder().encode(JSON.stringify(fixture.anthropic));
    const { data, usage } = readAnthropicResponse('anthropic', bytes, CREATED);
    expect(JSON.parse(new TextDecoder().decode(data))).toEqual(fixture.openai);
    const u = fixture.openai['usage'] as { prompt_tokens: number; total_tokens: number };
    expect(usage).toMatchObject({ prompt_tokens: u.prompt_tokens, total_tokens: u.total_tokens });
  });
});

/** The SSE file as the network would deliver it: in small, arbitrary slices. */
async function* slices(text: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += 37) yield bytes.slice(i, i + 37);
}

const normalise = (e: StreamEvent): object => {
  if (e.kind === 'chunk') {
    return {
      kind: 'chunk',
      forward: e.forward,
      data: JSON.parse(e.data),
      ...(e.usage ? { usage: e.usage } : {}),
    };
  }
  if (e.kind === 'error') {
    const { code, status, retryable, message } = e.error;
    return { kind: 'error', code, status, retryable, message };
  }
  return e;
};

describe('golden streams: Anthropic events → OpenAI chunks', () => {
  it.each(named('stream-', '.sse'))('%s', async (file) => {
    const expected = json<{ includeUsage: boolean; events: object[] }>(
      file.replace(/\.sse$/, '.expected.json'),
    );
    const translate = createAnthropicStreamTranslator(call({}, true, expected.includeUsage), CREATED);
    const out: object[] = [];
    for await (const batch of readSseEvents(slices(read(file)))) {
      for (const event of batch) out.push(...translate(event).map(normalise));
    }
    expect(out).toEqual(expected.events);
  });
});

interface ErrorCase {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body: string;
  expect: { status: number; retryable: boolean; retryAfterMs?: number; error: object };
}

describe('golden errors: Anthropic error answers → the caller’s error', () => {
  it.each(json<{ cases: ErrorCase[] }>('errors.json').cases.map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      const err = mapAnthropicError('anthropic', {
        status: c.status,
        body: c.body,
        headers: c.headers ?? {},
      });
      expect(err.provider).toBe('anthropic');
      expect({ status: err.status, retryable: err.retryable, error: toOpenAIErrorBody(err).error }).toEqual({
        status: c.expect.status,
        retryable: c.expect.retryable,
        error: c.expect.error,
      });
      expect(err.retryAfterMs).toBe(c.expect.retryAfterMs);
    },
  );
});
