import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../fake-openai/http-io.js';
import { splitIntoDeltas } from '../fake-openai/message-text.js';
import { decideOllamaAnswer, ollamaStats, type OllamaAnswer } from './ollama-answer.js';
import { MID_STREAM_ERROR, OLLAMA_FAILURES } from './ollama-errors.js';

export interface OllamaChatContext {
  res: ServerResponse;
  signal: AbortSignal;
  chunkDelayMs: number;
}

const nowIso = (): string => new Date().toISOString();

/**
 * POST /api/chat. The model name picks the behaviour: fail-<status>, hang, slow-<ms>,
 * break-stream, stream-error; anything else answers. Streams unless `stream: false`, one JSON
 * object per line, the last with `done: true`, `done_reason` and the counts.
 */
export async function handleOllamaChat(body: Record<string, unknown>, ctx: OllamaChatContext): Promise<void> {
  const { res, signal } = ctx;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return sendJson(res, 400, { error: 'model is required' });
  if (body.messages !== undefined && !Array.isArray(body.messages)) {
    return sendJson(res, 400, { error: 'json: cannot unmarshal messages' });
  }
  const failure = OLLAMA_FAILURES[model];
  if (failure) return sendJson(res, failure.status, { error: failure.error });
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = decideOllamaAnswer(body);
  const stats = ollamaStats(body, answer);
  const doneReason = answer.kind === 'text' ? answer.doneReason : 'stop';
  if (body.stream === false) {
    if (model === 'break-stream') return void res.socket?.destroy();
    if (model === 'stream-error') return sendJson(res, 500, { error: MID_STREAM_ERROR });
    const message = {
      role: 'assistant',
      content: answer.kind === 'text' ? answer.text : '',
      ...toolCallsOf(answer),
    };
    return sendJson(res, 200, {
      model,
      created_at: nowIso(),
      message,
      done_reason: doneReason,
      done: true,
      ...stats,
    });
  }

  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const lines: object[] = [];
  const line = (message: object): object => ({ model, created_at: nowIso(), message, done: false });
  if (answer.kind === 'text') {
    for (const piece of splitIntoDeltas(answer.text)) lines.push(line({ role: 'assistant', content: piece }));
  } else {
    lines.push(line({ role: 'assistant', content: '', ...toolCallsOf(answer) }));
  }
  const broken = model === 'break-stream' || model === 'stream-error';
  for (const l of broken ? lines.slice(0, 2) : lines) await write(res, l, ctx);
  if (model === 'break-stream') {
    await sleep(20, undefined, { signal });
    return void res.socket?.destroy();
  }
  if (model === 'stream-error') {
    await write(res, { error: MID_STREAM_ERROR }, ctx);
    return void res.end();
  }
  const last = {
    model,
    created_at: nowIso(),
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: doneReason,
    ...stats,
  };
  await write(res, last, ctx);
  res.end();
}

const toolCallsOf = (answer: OllamaAnswer): object =>
  answer.kind === 'tool_call'
    ? { tool_calls: [{ function: { name: answer.name, arguments: answer.arguments } }] }
    : {};

async function write(res: ServerResponse, value: object, ctx: OllamaChatContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await new Promise<void>((resolve) => res.write(`${JSON.stringify(value)}\n`, () => resolve()));
}
