import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../fake-openai/http-io.js';
import { decideAnswer } from './gemini-answer.js';
import { failureFor, internalStreamError, type GeminiFailure } from './gemini-errors.js';
import { checkGenerateRequest } from './gemini-request-check.js';
import { toGenerateContentResponse, toStreamChunks, type ResponseMeta } from './gemini-shapes.js';

export interface GenerateContext {
  res: ServerResponse;
  /** Aborted when the client goes away or the server stops: every wait must give up then. */
  signal: AbortSignal;
  chunkDelayMs: number;
  /** The key the caller sent, for failures that quote it. */
  apiKey: string;
  meta: ResponseMeta;
  stream: boolean;
}

export const sendGeminiFailure = (res: ServerResponse, failure: GeminiFailure): void =>
  sendJson(res, failure.status, failure.body, failure.headers);

/**
 * `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`. The model picks the
 * behaviour, so a test provokes a case just by naming it: fail-<status>, fail-context, hang,
 * slow-<ms>, break-stream, stream-error, blocked-prompt, blocked-response; anything else answers.
 */
export async function handleGenerateContent(
  body: Record<string, unknown>,
  ctx: GenerateContext,
): Promise<void> {
  const { res, signal, meta } = ctx;
  const failure = failureFor(meta.model, ctx.apiKey) ?? checkGenerateRequest(body, meta.model);
  if (failure) return sendGeminiFailure(res, failure);
  if (meta.model === 'hang') return waitForAbort(signal);
  const slow = /^slow-(\d+)$/.exec(meta.model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = decideAnswer(body, meta.model);
  if (!ctx.stream) {
    if (meta.model === 'break-stream') return void res.socket?.destroy();
    if (meta.model === 'stream-error') return sendGeminiFailure(res, failureFor('fail-500', '')!);
    return sendJson(res, 200, toGenerateContentResponse(answer, meta));
  }

  const chunks = toStreamChunks(answer, meta);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const broken = meta.model === 'break-stream' || meta.model === 'stream-error';
  for (const chunk of broken ? chunks.slice(0, 2) : chunks) await emit(chunk, ctx);
  if (meta.model === 'break-stream') {
    // Let the bytes leave before the reset, so the client sees the chunks and then the break.
    await sleep(20, undefined, { signal });
    res.socket?.destroy();
    return;
  }
  // Gemini reports a failure after the first byte as an error event in the stream.
  if (meta.model === 'stream-error') await emit(internalStreamError(), ctx);
  res.end();
}

// Gemini separates events with CRLF pairs; clients must take them as well as LF.
async function emit(chunk: object, ctx: GenerateContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await new Promise<void>((resolve) =>
    ctx.res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`, () => resolve()),
  );
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
