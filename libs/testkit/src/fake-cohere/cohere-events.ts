import { splitIntoDeltas } from '../fake-openai/message-text.js';
import type { CohereAnswer } from './cohere-answer.js';

/** One typed event of Cohere's v2 chat stream. */
export interface CohereEvent {
  type: string;
  [field: string]: unknown;
}

/**
 * Every event of a streamed answer, in Cohere's order: message-start; then either the text
 * (content-start, a content-delta per word, content-end) or the tool plan and each call
 * (tool-plan-delta…, tool-call-start, tool-call-delta per slice of arguments, tool-call-end);
 * then message-end with the finish reason and usage.
 */
export function toCohereEvents(id: string, answer: CohereAnswer, usage: object): CohereEvent[] {
  const events: CohereEvent[] = [
    {
      id,
      type: 'message-start',
      delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
    },
  ];
  if (answer.kind === 'text') {
    events.push({
      type: 'content-start',
      index: 0,
      delta: { message: { content: { type: 'text', text: '' } } },
    });
    for (const text of splitIntoDeltas(answer.text)) {
      events.push({ type: 'content-delta', index: 0, delta: { message: { content: { text } } } });
    }
    events.push({ type: 'content-end', index: 0 });
  } else {
    for (const tool_plan of splitIntoDeltas(answer.plan))
      events.push({ type: 'tool-plan-delta', delta: { message: { tool_plan } } });
    const head = { id: answer.id, type: 'function', function: { name: answer.name, arguments: '' } };
    events.push({ type: 'tool-call-start', index: 0, delta: { message: { tool_calls: head } } });
    for (let i = 0; i < answer.arguments.length; i += 8) {
      const piece = answer.arguments.slice(i, i + 8);
      events.push({
        type: 'tool-call-delta',
        index: 0,
        delta: { message: { tool_calls: { function: { arguments: piece } } } },
      });
    }
    events.push({ type: 'tool-call-end', index: 0 });
  }
  const finish = answer.kind === 'text' ? answer.finish : 'TOOL_CALL';
  const error = finish === 'ERROR' ? { error: 'internal server error' } : {};
  events.push({ type: 'message-end', delta: { ...error, finish_reason: finish, usage } });
  return events;
}
