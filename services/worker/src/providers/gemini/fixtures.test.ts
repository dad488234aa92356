import { readdirSync, readFileSync } from 'node:fs';
import { ProviderConfig } from '@switchyard/config';
import { parseChatRequest, toOpenAIErrorBody } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { readUpstreamEvents } from '../../framing/index.js';
import type { ProviderCall, StreamEvent } from '../types.js';
import { geminiProtocol } from './adapter.js';
import type { GeminiConfig } from './request.js';
import { readGeminiResponse } from './response.js';
import { createGeminiStreamTranslator } from './stream.js';

// Golden fixtures, written from Gemini's documented wire format: each translation is checked
// byte for byte both ways, and every OpenAI answer against OpenAI's published spec.
const dir = new URL('./fixtures/', import.meta.url);
const load = (sub: string): [string, Record<string, unknown>][] =>
  readdirSync(new URL(sub, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [
      f,
      JSON.parse(readFileSync(new URL(`${sub}/${f}`, dir), 'utf8')) as Record<string, unknown>,
    ]);

const NOW = 1_750_000_000_000;
const config = ProviderConfig.parse({ type: 'gemini', api_key: 'AIza-test' }) as GeminiConfig;
const protocol = geminiProtocol('acme', config);
const call = (spec: Record<string, unknown>, body: Record<string, unknown>): ProviderCall => ({
  providerId: 'acme',
  upstreamModel: String(spec['upstreamModel']),
  stream: spec['stream'] === true,
  includeUsage: spec['includeUsage'] === true,
  body,
  signal: new AbortController().signal,
});

describe('Gemini golden requests: OpenAI → Gemini', () => {
  it.each(load('requests'))('%s', (_file, fx) => {
    const openai = fx['openai'] as Record<string, unknown>;
    parseChatRequest(openai); // the fixture is a request the gateway accepts
    const spec = protocol.toRequest(call(fx['call'] as Record<string, unknown>, openai));
    expect(spec.path).toBe(fx['path']);
    expect(JSON.parse(spec.body)).toEqual(fx['gemini']);
    expect(spec.headers).toMatchObject({ 'x-goog-api-key': 'AIza-test', 'content-type': 'application/json' });
  });
});

describe('Gemini golden responses: Gemini → OpenAI', () => {
  it.each(load('responses'))('%s', (_file, fx) => {
    const spec = fx['call'] as Record<string, unknown>;
    const bytes = new TextEncoder().encode(JSON.stringify(fx['gemini']));
    const { data, usage } = readGeminiResponse(bytes, call(spec, { n: spec['n'] }), NOW);
    const completion: unknown = JSON.parse(new TextDecoder().decode(data));
    expect(completion).toEqual(fx['openai']);
    expect(usage).toEqual(fx['usage']);
    expectMatchesOpenAISpec('CreateChatCompletionResponse', completion);
  });
});

/** Feeds the recorded bytes through the SSE framing in 7-byte reads (events straddle reads). */
async function replay(
  bytes: Buffer,
  translate: (e: { event?: string; data: string }) => readonly StreamEvent[],
) {
  async function* reads(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
  }
  const chunks: unknown[] = [];
  let usage: unknown = null;
  for await (const batch of readUpstreamEvents(reads(), 'sse')) {
    for (const event of batch) {
      for (const e of translate(event)) {
        if (e.kind === 'chunk') {
          if (e.usage) usage = e.usage;
          if (e.forward) chunks.push(JSON.parse(e.data));
        } else {
          return { chunks, usage, end: e };
        }
      }
    }
  }
  return { chunks, usage, end: { kind: 'none' } as const };
}

describe('Gemini golden streams: SSE events → OpenAI chunks', () => {
  it.each(load('streams'))('%s', async (file, fx) => {
    const spec = fx['call'] as Record<string, unknown>;
    const bytes = readFileSync(new URL(`streams/${file.replace(/\.json$/, '.sse')}`, dir));
    const translate = createGeminiStreamTranslator(
      call({ ...spec, stream: true }, { n: spec['n'] }),
      () => NOW,
    );
    const { chunks, usage, end } = await replay(bytes, translate);
    expect(chunks).toEqual(fx['chunks']);
    expect(usage).toEqual(fx['usage']);
    const expected = fx['end'] as Record<string, unknown>;
    if (end.kind === 'error') {
      expect({ kind: 'error', code: end.error.code, message: end.error.message }).toEqual(expected);
    } else {
      expect(end).toEqual(expected);
    }
    for (const chunk of chunks) expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
  });
});

describe('Gemini golden errors: Google error bodies → gateway errors', () => {
  it.each(load('errors'))('%s', (_file, fx) => {
    const err = protocol.mapError({
      status: Number(fx['status']),
      body: String(fx['body']),
      headers: fx['headers'] as Record<string, string>,
    });
    const expected = fx['expected'] as Record<string, unknown>;
    expect({
      code: err.code,
      status: err.status,
      message: err.message,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
      ...(err.openaiCode === undefined ? {} : { openaiCode: err.openaiCode }),
    }).toEqual(expected);
    expect(err.provider).toBe('acme');
    // No key, in any detail Google sent, reaches the caller.
    expect(JSON.stringify(toOpenAIErrorBody(err))).not.toMatch(/AIza/);
  });
});
