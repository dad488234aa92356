import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../fake-openai/http-io.js';
import { anthropicError, FAILURES, invalidRequest, STREAM_FAILURES } from './anthropic-errors.js';
import type { FakeAnthropicFailure } from './anthropic-errors.js';
import { decideReply } from './fake-reply.js';
import type { AnthropicUsage } from './fake-usage.js';
import { toMessage, toStreamEvents, type MessageMeta, type NamedEvent } from './message-shapes.js';
import { validateMessagesRequest } from './validate-request.js';

export interface MessagesContext {
  res: ServerResponse;
  /** Aborted when the client goes away or the server stops: every wait must give up then. */
  signal: AbortSignal;
  chunkDelayMs: number;
  meta: MessageMeta;
  requestId: string;
  meter(body: Record<string, unknown>, reply: ReturnType<typeof decideReply>): AnthropicUsage;
}

/**
 * POST /v1/messages. The body is checked as the API checks it; then the model picks the
 * behaviour: a name in FAILURES answers that error, `hang` never answers, `slow-<ms>` waits,
 * `break-stream` drops the connection mid-stream, `stream-error` / `stream-overloaded` send an
 * `error` event mid-stream; anything else answers (see `decideReply`).
 */
export async function handleMessages(body: Record<string, unknown>, ctx: MessagesContext): Promise<void> {
  const { res, signal } = ctx;
  const invalid = validateMessagesRequest(body);
  if (invalid) return sendFailure(ctx, invalidRequest(invalid));

  const model = String(body.model);
  const failure = FAILURES[model];
  if (failure) return sendFailure(ctx, failure);
  if (model === 'hang') return waitForAbort(signal);
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const reply = decideReply(body);
  const usage = ctx.meter(body, reply);
  const streamFailure = STREAM_FAILURES[model];
  if (body.stream !== true) {
    if (model === 'break-stream') return void res.socket?.destroy();
    if (model === 'stream-overloaded') return sendFailure(ctx, FAILURES['overloaded']!);
    if (streamFailure) return sendFailure(ctx, FAILURES['fail-500']!);
    return sendJson(res, 200, toMessage(ctx.meta, reply, usage));
  }

  const events = toStreamEvents(ctx.meta, reply, usage);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  if (model === 'break-stream' || streamFailure) {
    // message_start, the first block's start, the ping and two deltas reach the client first.
    for (const e of events.slice(0, 5)) await emit(e, ctx);
    if (streamFailure) {
      await writeNamedEvent(res, {
        event: 'error',
        data: anthropicError(streamFailure.type, streamFailure.message, null),
      });
      res.end();
      return;
    }
    // Let the bytes leave before the reset, so the client sees the events and then the break.
    await sleep(20, undefined, { signal });
    res.socket?.destroy();
    return;
  }
  for (const e of events) await emit(e, ctx);
  res.end();
}

export function sendFailure(
  ctx: Pick<MessagesContext, 'res' | 'requestId'>,
  failure: FakeAnthropicFailure,
): void {
  sendJson(
    ctx.res,
    failure.status,
    anthropicError(failure.type, failure.message, ctx.requestId),
    failure.headers,
  );
}

async function emit(e: NamedEvent, ctx: MessagesContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await writeNamedEvent(ctx.res, e);
}

/** Writes one `event:`/`data:` pair and resolves once it is handed to the socket. */
function writeNamedEvent(res: ServerResponse, e: { event: string; data: object }): Promise<void> {
  return new Promise((resolve) =>
    res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`, () => resolve()),
  );
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
