import type { UsageSummary } from '@switchyard/bus';
import type { ProviderCall, StreamEvent, StreamTranslator, UpstreamEvent } from '../types.js';
import { isRecord } from '../is-record.js';
import { mapAnthropicStreamError } from './errors.js';
import { toFinishReason } from './finish-reasons.js';
import { readAnthropicTokens, toOpenAIUsage, toUsageSummary, type AnthropicTokens } from './usage.js';

type Json = Record<string, unknown>;

/**
 * Translates one call's Messages API stream into OpenAI chunks, event by event:
 * message_start → the role chunk; text deltas → content chunks; a tool_use block → a tool call
 * whose `index` counts tool calls only (text blocks between them do not shift it), its
 * `input_json_delta`s → argument deltas; message_delta → the finish chunk; message_stop → the
 * usage chunk (forwarded only when the caller asked; always read for accounting), then done.
 * message_start and message_delta also carry the counts so far (not forwarded), so a stream
 * cancelled before its end is accounted with what Anthropic reported up to then.
 * `ping` and block kinds OpenAI has no place for (thinking, server tools) produce nothing.
 */
export function createAnthropicStreamTranslator(call: ProviderCall, created: number): StreamTranslator {
  let id = '';
  let model = call.upstreamModel;
  let tokens: AnthropicTokens | undefined;
  let finished = false;
  const toolIndexByBlock = new Map<number, number>();

  const chunk = (choices: object[], extra: object = {}): string =>
    JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra });
  const delta = (d: object, finish: string | null = null): StreamEvent => ({
    kind: 'chunk',
    data: chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]),
    forward: true,
  });
  /** The counts so far, so a stream cancelled before message_stop is accounted with them. */
  const soFar = (): UsageSummary => toUsageSummary(toOpenAIUsage(tokens ?? readAnthropicTokens(undefined)));

  function onBlockStart(e: Json): StreamEvent[] {
    const block = isRecord(e['content_block']) ? e['content_block'] : {};
    if (block['type'] === 'text' && typeof block['text'] === 'string' && block['text'] !== '') {
      return [delta({ content: block['text'] })];
    }
    if (block['type'] !== 'tool_use') return [];
    const index = toolIndexByBlock.size;
    toolIndexByBlock.set(Number(e['index']), index);
    const fn = { name: String(block['name']), arguments: '' };
    return [delta({ tool_calls: [{ index, id: String(block['id']), type: 'function', function: fn }] })];
  }

  function onBlockDelta(e: Json): StreamEvent[] {
    const d = isRecord(e['delta']) ? e['delta'] : {};
    if (d['type'] === 'text_delta' && typeof d['text'] === 'string') return [delta({ content: d['text'] })];
    const index = toolIndexByBlock.get(Number(e['index']));
    if (d['type'] !== 'input_json_delta' || index === undefined) return [];
    const args = typeof d['partial_json'] === 'string' ? d['partial_json'] : '';
    // The API opens each tool's input with an empty slice: nothing to tell the caller.
    return args === '' ? [] : [delta({ tool_calls: [{ index, function: { arguments: args } }] })];
  }

  function onStop(): StreamEvent[] {
    const out: StreamEvent[] = finished ? [] : [delta({}, 'stop')];
    const usage = toOpenAIUsage(tokens ?? readAnthropicTokens(undefined));
    out.push(
      {
        kind: 'chunk',
        data: chunk([], { usage }),
        forward: call.includeUsage,
        usage: toUsageSummary(usage),
      },
      { kind: 'done' },
    );
    return out;
  }

  return (event: UpstreamEvent): readonly StreamEvent[] => {
    let e: unknown;
    try {
      e = JSON.parse(event.data);
    } catch {
      e = undefined;
    }
    const type = event.event ?? (isRecord(e) ? e['type'] : undefined);
    if (type === 'error')
      return [{ kind: 'error', error: mapAnthropicStreamError(call.providerId, event.data) }];
    if (!isRecord(e)) return [];
    switch (type) {
      case 'message_start': {
        const message = isRecord(e['message']) ? e['message'] : {};
        id = String(message['id'] ?? '');
        if (typeof message['model'] === 'string') model = message['model'];
        tokens = readAnthropicTokens(message['usage']);
        return [withUsage(delta({ role: 'assistant', content: '' }), soFar())];
      }
      case 'content_block_start':
        return onBlockStart(e);
      case 'content_block_delta':
        return onBlockDelta(e);
      case 'message_delta': {
        tokens = readAnthropicTokens(e['usage'], tokens);
        const stopReason = isRecord(e['delta']) ? e['delta']['stop_reason'] : undefined;
        const usage = soFar();
        if (stopReason === undefined || stopReason === null)
          return [{ kind: 'chunk', data: '', forward: false, usage }];
        finished = true;
        return [withUsage(delta({}, toFinishReason(stopReason)), usage)];
      }
      case 'message_stop':
        return onStop();
      default:
        return []; // ping, content_block_stop, and event kinds added after this adapter
    }
  };
}

const withUsage = (e: StreamEvent, usage: UsageSummary): StreamEvent =>
  e.kind === 'chunk' ? { ...e, usage } : e;
