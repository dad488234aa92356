import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompletionMeta } from '../fake-openai/completion-shapes.js';
import { decideAnswer, usageFor, type FakeAnswer } from '../fake-openai/fake-answer.js';
import { sendJson, startEventStream, writeEvent } from '../fake-openai/http-io.js';
import { contentText, isRecord } from '../fake-openai/message-text.js';
import { serverError } from '../fake-openai/openai-errors.js';
import { AZURE_FAILURES, type AzureFailure } from './azure-errors.js';
import { toAzureChunks, toAzureCompletion } from './azure-shapes.js';

export interface AzureChatContext {
  res: ServerResponse;
  signal: AbortSignal;
  chunkDelayMs: number;
  /** `deployment` is the deployment name from the URL; `model` the model it runs. */
  deployment: string;
  meta: CompletionMeta;
}

export const sendAzureFailure = (res: ServerResponse, failure: AzureFailure): void =>
  sendJson(res, failure.status, failure.body, failure.headers);

/**
 * POST /openai/deployments/{deployment}/chat/completions. The deployment name picks the
 * behaviour, as the model name does for the OpenAI fake: fail-<status>, content-filter (prompt
 * blocked, 400), filtered-answer (output cut, finish reason content_filter), hang, slow-<ms>,
 * break-stream, stream-error.
 */
export async function handleAzureChat(body: Record<string, unknown>, ctx: AzureChatContext): Promise<void> {
  const { res, signal, deployment } = ctx;
  const failure = AZURE_FAILURES[deployment];
  if (failure) return sendAzureFailure(res, failure);
  if (deployment === 'hang')
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(deployment);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = toolResultAnswer(body.messages) ?? decideAnswer(body);
  const usage = usageFor(body, answer);
  const filtered = deployment === 'filtered-answer';
  if (body.stream !== true) {
    if (deployment === 'break-stream') return void res.socket?.destroy();
    if (deployment === 'stream-error') return sendJson(res, 500, serverError());
    return sendJson(res, 200, toAzureCompletion(ctx.meta, answer, usage, filtered));
  }
  const options = body.stream_options;
  const includeUsage = isRecord(options) && options.include_usage === true;
  const chunks = toAzureChunks(ctx.meta, answer, includeUsage ? usage : undefined, filtered);
  startEventStream(res);
  const broken = deployment === 'break-stream' || deployment === 'stream-error';
  for (const chunk of broken ? chunks.slice(0, 4) : chunks) {
    if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal });
    await writeEvent(res, chunk);
  }
  if (deployment === 'break-stream') {
    await sleep(20, undefined, { signal });
    return void res.socket?.destroy();
  }
  await writeEvent(res, deployment === 'stream-error' ? serverError() : '[DONE]');
  res.end();
}

/** After a tool result, the answer quotes it, so a test sees the round trip reach the model. */
function toolResultAnswer(messages: unknown): FakeAnswer | undefined {
  const last: unknown = Array.isArray(messages) ? messages.at(-1) : undefined;
  if (!isRecord(last) || last.role !== 'tool') return undefined;
  return { kind: 'text', text: `Tool said: ${contentText(last.content)}` };
}
