import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompletionMeta } from './completion-shapes.js';
import { toChatCompletion, toChatCompletionChunks } from './completion-shapes.js';
import { decideAnswer, usageFor } from './fake-answer.js';
import { sendFailure, sendJson, startEventStream, writeEvent } from './http-io.js';
import { FAILURES, missingParameter, openAIError, serverError } from './openai-errors.js';
import { isRecord } from './message-text.js';

export interface ChatContext {
  res: ServerResponse;
  /** Aborted when the client goes away or the server stops: every wait must give up then. */
  signal: AbortSignal;
  chunkDelayMs: number;
  meta: CompletionMeta;
}

/**
 * POST /v1/chat/completions. The requested model picks the behaviour, so a test provokes a case
 * just by naming it: fail-<status>, hang, slow-<ms>, break-stream, stream-error; anything else
 * answers normally.
 */
export async function handleChatCompletions(body: Record<string, unknown>, ctx: ChatContext): Promise<void> {
  const { res, signal } = ctx;
  const model = body.model;
  if (typeof model !== 'string' || !model) {
    return sendJson(res, 400, openAIError('you must provide a model parameter', 'invalid_request_error'));
  }
  if (!Array.isArray(body.messages)) return sendFailure(res, missingParameter('messages'));

  const failure = FAILURES[model];
  if (failure) return sendFailure(res, failure);
  if (model === 'hang') return waitForAbort(signal);
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = decideAnswer(body);
  const stream = body.stream === true;
  if (!stream) {
    if (model === 'break-stream') return void res.socket?.destroy();
    if (model === 'stream-error') return sendJson(res, 500, serverError());
    return sendJson(res, 200, toChatCompletion(ctx.meta, answer, usageFor(body, answer)));
  }

  const options = body.stream_options;
  const includeUsage = isRecord(options) && options.include_usage === true;
  const chunks = toChatCompletionChunks(ctx.meta, answer, includeUsage ? usageFor(body, answer) : undefined);
  startEventStream(res);
  if (model === 'break-stream' || model === 'stream-error') return misbehaveMidStream(chunks, ctx, model);
  for (const chunk of chunks) await emit(chunk, ctx);
  await writeEvent(res, '[DONE]');
  res.end();
}

// The role chunk and two content chunks reach the client, then the stream fails: by a dropped
// connection (no [DONE]), or by an in-band error event as OpenAI sends when it fails mid-answer.
async function misbehaveMidStream(chunks: object[], ctx: ChatContext, model: string): Promise<void> {
  for (const chunk of chunks.slice(0, 3)) await emit(chunk, ctx);
  if (model === 'break-stream') {
    // Let the bytes leave before the reset, so the client sees the chunks and then the break.
    await sleep(20, undefined, { signal: ctx.signal });
    ctx.res.socket?.destroy();
    return;
  }
  await writeEvent(ctx.res, serverError());
  ctx.res.end();
}

async function emit(chunk: object, ctx: ChatContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await writeEvent(ctx.res, chunk);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
