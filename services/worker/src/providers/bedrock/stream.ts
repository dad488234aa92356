import { GatewayError, type FinishReason } from '@switchyard/contracts';
import { ERROR_PREFIX, EXCEPTION_PREFIX } from '../../framing/aws-eventstream.js';
import type { ProviderCall, StreamEvent, StreamTranslator, UpstreamEvent } from '../types.js';
import { isRecord } from '../is-record.js';
import { chunkEvent, type OpenAIDelta, type OpenAIToolCallDelta } from '../openai-shapes.js';
import { mapBedrockStreamException } from './errors.js';
import { toFinishReason } from './finish-reasons.js';
import { newCompletionMeta, type CompletionMeta } from './response.js';
import { toOpenAIUsage, toUsageSummary } from './usage.js';

const none: readonly StreamEvent[] = [];

/**
 * A ConverseStream (messageStart, contentBlockStart/Delta/Stop, messageStop, then metadata with
 * usage) as OpenAI chunks, made per call. State: the completion id all chunks share, and which
 * content block is which tool call — OpenAI numbers tool calls from 0, while Bedrock numbers all
 * blocks, text included. The stream ends on `metadata`, which Bedrock sends after messageStop,
 * so usage is always read; its chunk reaches the caller only with `include_usage`.
 */
export function createConverseStreamTranslator(
  call: ProviderCall,
  meta: CompletionMeta = newCompletionMeta(call.upstreamModel),
): StreamTranslator {
  const toolIndexes = new Map<number, number>();
  const toolIndex = (block: unknown): number => {
    const key = typeof block === 'number' ? block : -1;
    let index = toolIndexes.get(key);
    if (index === undefined) toolIndexes.set(key, (index = toolIndexes.size));
    return index;
  };
  const chunk = (delta: OpenAIDelta, finishReason: FinishReason | null = null): StreamEvent =>
    chunkEvent(meta, delta, finishReason);
  const fail = (message: string): readonly StreamEvent[] => [
    { kind: 'error', error: new GatewayError('upstream_error', message, { provider: call.providerId }) },
  ];

  const onMetadata = (json: Record<string, unknown>): readonly StreamEvent[] => {
    const usage = toOpenAIUsage(json['usage']);
    if (!usage) return [{ kind: 'done' }];
    const data = JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      choices: [],
      usage,
    });
    return [
      { kind: 'chunk', data, forward: call.includeUsage, usage: toUsageSummary(usage) },
      { kind: 'done' },
    ];
  };

  const onDelta = (json: Record<string, unknown>): readonly StreamEvent[] => {
    const delta = isRecord(json['delta']) ? json['delta'] : {};
    if (typeof delta['text'] === 'string') return [chunk({ content: delta['text'] })];
    const use = delta['toolUse'];
    if (isRecord(use) && typeof use['input'] === 'string') {
      const index = toolIndex(json['contentBlockIndex']);
      return [chunk({ tool_calls: [{ index, function: { arguments: use['input'] } }] })];
    }
    return none; // reasoning and citations have no OpenAI chunk field
  };

  const onStart = (json: Record<string, unknown>): readonly StreamEvent[] => {
    const start = isRecord(json['start']) ? json['start'] : {};
    const use = start['toolUse'];
    if (!isRecord(use)) return none;
    const index = toolIndex(json['contentBlockIndex']);
    const head: OpenAIToolCallDelta = {
      index,
      id: String(use['toolUseId']),
      type: 'function',
      function: { name: String(use['name']), arguments: '' },
    };
    return [chunk({ tool_calls: [head] })];
  };

  return (event: UpstreamEvent): readonly StreamEvent[] => {
    const name = event.event ?? '';
    if (name.startsWith(EXCEPTION_PREFIX)) {
      const error = mapBedrockStreamException(
        call.providerId,
        name.slice(EXCEPTION_PREFIX.length),
        event.data,
      );
      return [{ kind: 'error', error }];
    }
    if (name.startsWith(ERROR_PREFIX)) {
      const error = mapBedrockStreamException(call.providerId, name.slice(ERROR_PREFIX.length), event.data);
      return [{ kind: 'error', error }];
    }
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      return fail(`Provider ${call.providerId} sent a stream event that is not valid JSON.`);
    }
    if (!isRecord(json))
      return fail(`Provider ${call.providerId} sent a stream event that is not a JSON object.`);
    switch (name) {
      case 'messageStart':
        return [chunk({ role: 'assistant', content: '' })];
      case 'contentBlockStart':
        return onStart(json);
      case 'contentBlockDelta':
        return onDelta(json);
      case 'messageStop':
        return [chunk({}, toFinishReason(json['stopReason']))];
      case 'metadata':
        return onMetadata(json);
      default:
        return none; // contentBlockStop, and events Bedrock may add later
    }
  };
}
