import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { cohereUsage, decideCohereAnswer } from './cohere-answer.js';
import { COHERE_FAILURES, cohereError, type CohereFailure } from './cohere-errors.js';
import { toCohereEvents, type CohereEvent } from './cohere-events.js';

export interface CohereChatContext {
  res: ServerResponse;
  signal: AbortSignal;
  chunkDelayMs: number;
}

export const sendCohereFailure = (res: ServerResponse, f: CohereFailure): void =>
  sendJson(res, f.status, { id: randomUUID(), message: f.message });

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** The checks Cohere makes that an adapter could get wrong; the message names what is wrong. */
function invalid(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'invalid request: model must be specified.';
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return 'invalid request: messages must not be empty.';
  for (const m of body.messages) {
    if (!isRecord(m) || !ROLES.has(String(m.role)))
      return `invalid request: invalid role: ${isRecord(m) ? String(m.role) : ''}.`;
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string')
      return 'invalid request: tool message must have a tool_call_id.';
  }
  if (body.tool_choice !== undefined && body.tool_choice !== 'REQUIRED' && body.tool_choice !== 'NONE') {
    return `invalid request: tool_choice must be one of REQUIRED, NONE; received ${JSON.stringify(body.tool_choice)}.`;
  }
  if (body.p !== undefined && (typeof body.p !== 'number' || body.p < 0.01 || body.p > 0.99)) {
    return 'invalid request: p must be between 0.01 and 0.99, inclusive.';
  }
  return undefined;
}

/**
 * POST /v2/chat. The model picks the behaviour: fail-<status>, hang, slow-<ms>, break-stream,
 * stream-error (a message-end with ERROR after some text), finish-error; anything else answers.
 */
export async function handleCohereChat(body: Record<string, unknown>, ctx: CohereChatContext): Promise<void> {
  const { res, signal } = ctx;
  const problem = invalid(body);
  if (problem) return sendCohereFailure(res, cohereError(400, problem));
  const model = String(body.model);
  const failure = COHERE_FAILURES[model];
  if (failure) return sendCohereFailure(res, failure);
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = decideCohereAnswer(body);
  const usage = cohereUsage(body, answer);
  const id = randomUUID();
  if (body.stream !== true) {
    if (model === 'break-stream') return void res.socket?.destroy();
    if (model === 'stream-error') return sendCohereFailure(res, COHERE_FAILURES['fail-500']!);
    const message =
      answer.kind === 'text'
        ? { role: 'assistant', content: answer.text === '' ? [] : [{ type: 'text', text: answer.text }] }
        : {
            role: 'assistant',
            tool_plan: answer.plan,
            tool_calls: [
              {
                id: answer.id,
                type: 'function',
                function: { name: answer.name, arguments: answer.arguments },
              },
            ],
          };
    const finish = answer.kind === 'text' ? answer.finish : 'TOOL_CALL';
    return sendJson(res, 200, { id, message, finish_reason: finish, usage });
  }

  let events = toCohereEvents(id, answer, usage);
  if (model === 'break-stream' || model === 'stream-error') events = events.slice(0, 4);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) await write(res, event, ctx);
  if (model === 'break-stream') {
    await sleep(20, undefined, { signal });
    return void res.socket?.destroy();
  }
  if (model === 'stream-error') {
    const end = {
      type: 'message-end',
      delta: { error: 'internal server error', finish_reason: 'ERROR', usage },
    };
    await write(res, end, ctx);
  }
  await new Promise<void>((resolve) => res.write('data: [DONE]\n\n', () => resolve()));
  res.end();
}

async function write(res: ServerResponse, event: CohereEvent, ctx: CohereChatContext): Promise<void> {
  if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal: ctx.signal });
  await new Promise<void>((resolve) =>
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`, () => resolve()),
  );
}
