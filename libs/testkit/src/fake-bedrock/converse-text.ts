/**
 * Reading a Converse request the way the fake answers it: the text a turn carries, its images
 * and tool results, and words counted as tokens so usage is predictable in assertions.
 */

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Pieces as streamed: each carries its leading whitespace, and they join back to the text. */
export const splitIntoDeltas = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

const blocksOf = (message: unknown): Record<string, unknown>[] =>
  isRecord(message) && Array.isArray(message['content']) ? message['content'].filter(isRecord) : [];

/** The text of a toolResult's content blocks: `{text}` as is, `{json}` as JSON text. */
export const toolResultText = (result: Record<string, unknown>): string =>
  (Array.isArray(result['content']) ? result['content'] : [])
    .map((c: unknown) =>
      isRecord(c) && typeof c['text'] === 'string' ? c['text'] : isRecord(c) ? JSON.stringify(c['json']) : '',
    )
    .join(' ');

/** Every word a request sends the model, bar the system prompt: the fake's input token count. */
export function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages
    .flatMap(blocksOf)
    .map((b) => {
      if (typeof b['text'] === 'string') return b['text'];
      if (isRecord(b['toolUse'])) return JSON.stringify(b['toolUse']['input']);
      if (isRecord(b['toolResult'])) return toolResultText(b['toolResult']);
      return '';
    })
    .join(' ');
}

export const systemText = (system: unknown): string =>
  Array.isArray(system)
    ? system.map((b: unknown) => (isRecord(b) && typeof b['text'] === 'string' ? b['text'] : '')).join(' ')
    : '';

export interface UserTurn {
  text: string;
  images: { format: string; bytes: number }[];
  toolResults: { toolUseId: string; text: string }[];
}

/** What the last user turn says, shows and answers. */
export function lastUserTurn(messages: unknown): UserTurn {
  const last = Array.isArray(messages)
    ? messages.findLast((m: unknown) => isRecord(m) && m['role'] === 'user')
    : undefined;
  const turn: UserTurn = { text: '', images: [], toolResults: [] };
  const texts: string[] = [];
  for (const block of blocksOf(last)) {
    if (typeof block['text'] === 'string') texts.push(block['text']);
    const image = block['image'];
    if (isRecord(image) && isRecord(image['source']) && typeof image['source']['bytes'] === 'string') {
      turn.images.push({
        format: String(image['format']),
        bytes: Buffer.from(image['source']['bytes'], 'base64').length,
      });
    }
    const result = block['toolResult'];
    if (isRecord(result))
      turn.toolResults.push({ toolUseId: String(result['toolUseId']), text: toolResultText(result) });
  }
  turn.text = texts.join('\n');
  return turn;
}
