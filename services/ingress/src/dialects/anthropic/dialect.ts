import type { z } from 'zod';
import { ChatCompletion, ChatCompletionChunk, GatewayError } from '@switchyard/contracts';
import type { ReplyDialect } from '../../relay/dialect.js';
import { toAnthropicErrorBody } from './errors.js';
import { fromCanonical } from './from-canonical.js';
import { createStreamTranslator, type AnthropicStreamEvent } from './stream.js';

/** One server-sent event as Anthropic frames them: the event's type on its own line, then its JSON. */
export const toSseEvent = (type: string, data: unknown): string =>
  `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

const toSse = (events: readonly AnthropicStreamEvent[]): string =>
  events.map((event) => toSseEvent(event.type, event)).join('');

/** The pipeline's answer, checked: a translation must not guess at a malformed one. */
function parseCanonical<S extends z.ZodType>(schema: S, data: Uint8Array, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString());
  } catch (cause) {
    throw new GatewayError('upstream_error', `The ${what} from the provider is not valid JSON.`, { cause });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new GatewayError('upstream_error', `The ${what} from the provider is malformed.`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** Anthropic's Messages API over the canonical (OpenAI) answers: `POST /v1/messages`. */
export const anthropicDialect: ReplyDialect = {
  errorBody: toAnthropicErrorBody,
  response: (data) => JSON.stringify(fromCanonical(parseCanonical(ChatCompletion, data, 'answer'))),
  stream(requestId) {
    const translator = createStreamTranslator({ fallbackId: `msg_${requestId}` });
    return {
      chunk: (data) => toSse(translator.chunk(parseCanonical(ChatCompletionChunk, data, 'stream chunk'))),
      done: () => toSse(translator.done()),
      error: (err) => toSseEvent('error', toAnthropicErrorBody(err, requestId)),
    };
  },
};
