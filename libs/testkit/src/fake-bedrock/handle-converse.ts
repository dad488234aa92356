import { setTimeout as sleep } from 'node:timers/promises';
import { FAILURES, sendBedrockError, sendBedrockJson, validationError } from './bedrock-errors.js';
import { decideAnswer, type PromptCache } from './converse-answer.js';
import { toConverseResponse, toStreamEvents, type StreamEvent } from './converse-shapes.js';
import { encodeEvent, encodeException, startEventStream, writeMessage } from './event-stream-writer.js';
import type { FakeResponse } from './fake-response.js';
import { validateConverse } from './validate-converse.js';

export interface ConverseContext {
  res: FakeResponse;
  /** Drops the connection (or the HTTP/2 stream) mid-answer. */
  breakConnection: () => void;
  /** Aborted when the client goes away or the server stops: every wait must give up then. */
  signal: AbortSignal;
  chunkDelayMs: number;
  requestId: string;
  cache: PromptCache;
}

/** Models that fail after the stream started, with the in-stream exception Bedrock sends then. */
const MID_STREAM: Readonly<Record<string, { type: string; payload: object }>> = {
  'stream-throttle': {
    type: 'throttlingException',
    payload: { message: 'Too many tokens, please wait before trying again.' },
  },
  'stream-error': {
    type: 'modelStreamErrorException',
    payload: {
      message: 'Received a model stream error from the model provider.',
      originalStatusCode: 500,
      originalMessage: 'fake model failure',
    },
  },
  'stream-internal': {
    type: 'internalServerException',
    payload: { message: 'The server encountered an internal error while processing the request.' },
  },
  'stream-unavailable': {
    type: 'serviceUnavailableException',
    payload: { message: 'Bedrock is unable to process your request.' },
  },
  'stream-validation': {
    type: 'validationException',
    payload: { message: 'Input is too long for requested model.' },
  },
};

/**
 * `POST /model/{modelId}/converse` and `/converse-stream`. The model id picks the behaviour, so a
 * test provokes a case by naming it: fail-<status>[-…], hang, slow-<ms>, break-stream,
 * stream-throttle|error|internal|unavailable|validation, stream-no-metadata; any other id answers.
 */
export async function handleConverse(
  modelId: string,
  body: Record<string, unknown>,
  stream: boolean,
  ctx: ConverseContext,
): Promise<void> {
  const { res, signal, requestId } = ctx;
  const failure = FAILURES[modelId];
  if (failure) return sendBedrockError(res, failure, requestId);
  if (modelId === 'hang') return waitForAbort(signal);
  const slow = /^slow-(\d+)$/.exec(modelId);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const invalid = validateConverse(body);
  if (invalid) return sendBedrockError(res, validationError(invalid), requestId);
  const answer = decideAnswer(body, ctx.cache);
  if (!stream) {
    if (modelId === 'break-stream') return ctx.breakConnection();
    return sendBedrockJson(res, toConverseResponse(answer), requestId);
  }

  const events = toStreamEvents(answer);
  startEventStream(res, requestId);
  const exception = MID_STREAM[modelId];
  if (exception || modelId === 'break-stream') {
    // messageStart and two deltas reach the client, then the stream fails.
    for (const event of events.slice(0, 3)) await emit(event, ctx);
    if (exception) {
      await writeMessage(res, encodeException(exception.type, exception.payload));
      return void res.end();
    }
    await sleep(20, undefined, { signal }); // let the bytes leave before the reset
    return ctx.breakConnection();
  }
  // Ends cleanly after messageStop but without the metadata event that carries usage.
  const sent = modelId === 'stream-no-metadata' ? events.slice(0, -1) : events;
  for (const event of sent) await emit(event, ctx);
  res.end();
}

async function emit(event: StreamEvent, ctx: ConverseContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await writeMessage(ctx.res, encodeEvent(event.type, event.payload));
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
