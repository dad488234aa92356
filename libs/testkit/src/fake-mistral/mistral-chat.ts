import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson, startEventStream, writeEvent } from '../fake-openai/http-io.js';
import { splitIntoDeltas } from '../fake-openai/message-text.js';
import { decideMistralAnswer, mistralUsage, type MistralAnswer } from './mistral-answer.js';
import { MISTRAL_FAILURES, mistralError, validationFailed, type MistralFailure } from './mistral-errors.js';
import { badToolCallId, validateMistralRequest } from './mistral-validate.js';

export interface MistralChatContext {
  res: ServerResponse;
  signal: AbortSignal;
  chunkDelayMs: number;
  id: string;
  created: number;
}

export const sendMistralFailure = (res: ServerResponse, f: MistralFailure): void =>
  sendJson(res, f.status, f.body, f.headers);

/**
 * POST /v1/chat/completions, checked as strictly as Mistral checks it (unknown fields → 422).
 * The model picks the behaviour: fail-<status>, hang, slow-<ms>, break-stream, stream-error,
 * model-length, finish-error; anything else answers, `n` times over.
 */
export async function handleMistralChat(
  body: Record<string, unknown>,
  ctx: MistralChatContext,
): Promise<void> {
  const { res, signal } = ctx;
  const issues = validateMistralRequest(body);
  if (issues.length > 0) return sendMistralFailure(res, validationFailed(issues));
  const badId = badToolCallId(body.messages);
  if (badId !== undefined) {
    return sendMistralFailure(
      res,
      mistralError(
        400,
        `Tool call id was ${badId} but must be a-z, A-Z, 0-9, with a length of 9.`,
        'invalid_request_error',
        '3280',
      ),
    );
  }
  const model = String(body.model);
  const failure = MISTRAL_FAILURES[model];
  if (failure) return sendMistralFailure(res, failure);
  if (model === 'hang') return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(model);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });

  const answer = decideMistralAnswer(body);
  const usage = mistralUsage(body, answer);
  const n = typeof body.n === 'number' ? body.n : 1;
  const envelope = { id: ctx.id, object: 'chat.completion', created: ctx.created, model };
  if (body.stream !== true) {
    if (model === 'break-stream') return void res.socket?.destroy();
    if (model === 'stream-error') return sendMistralFailure(res, MISTRAL_FAILURES['fail-500']!);
    const message =
      answer.kind === 'text'
        ? { role: 'assistant', content: answer.text, tool_calls: null, prefix: false }
        : { role: 'assistant', content: '', tool_calls: [toolCall(answer)], prefix: false };
    const choices = Array.from({ length: n }, (_, index) => ({
      index,
      message,
      finish_reason: finishOf(answer),
    }));
    return sendJson(res, 200, { ...envelope, usage, choices });
  }

  const chunk = (delta: object, finish: string | null = null, extra: object = {}): object => ({
    ...envelope,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
  const chunks = [chunk({ role: 'assistant', content: '' })];
  if (answer.kind === 'text')
    for (const piece of splitIntoDeltas(answer.text)) chunks.push(chunk({ content: piece }));
  // Mistral sends a tool call whole, without `type`, in the chunk that finishes the answer.
  const last =
    answer.kind === 'text'
      ? chunk({ content: '' }, answer.finish)
      : chunk({ tool_calls: [{ ...toolCall(answer), type: undefined, index: 0 }] }, 'tool_calls');
  chunks.push({ ...last, ...(answer.kind === 'text' && answer.finish === 'error' ? {} : { usage }) });
  startEventStream(res);
  const broken = model === 'break-stream' || model === 'stream-error';
  for (const c of broken ? chunks.slice(0, 3) : chunks) {
    if (ctx.chunkDelayMs > 0) await sleep(ctx.chunkDelayMs, undefined, { signal });
    await writeEvent(res, c);
  }
  if (model === 'break-stream') {
    await sleep(20, undefined, { signal });
    return void res.socket?.destroy();
  }
  await writeEvent(res, model === 'stream-error' ? MISTRAL_FAILURES['fail-500']!.body : '[DONE]');
  res.end();
}

const finishOf = (answer: MistralAnswer): string => (answer.kind === 'text' ? answer.finish : 'tool_calls');
const toolCall = (answer: Extract<MistralAnswer, { kind: 'tool_call' }>) => ({
  id: answer.id,
  type: 'function',
  function: { name: answer.name, arguments: answer.arguments },
});
