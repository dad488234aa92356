/**
 * Reply frames: what a stage sends to the requester's reply subject. The kind and the sequence
 * number travel in headers (`sy-frame`, `sy-seq`); the body is the OpenAI JSON as is:
 *
 * - `response`: a whole answer (chat completion, model list); terminal.
 * - `chunk`: one stream chunk (an OpenAI `chat.completion.chunk`).
 * - `done`: the stream ended normally; empty body; terminal.
 * - `error`: an OpenAI error body with `sy-status` and `sy-error-code`; terminal.
 *
 * Core NATS is at-most-once, so every frame of a reply carries a sequence number from 0: a
 * requester that sees a gap, or no terminal frame before its deadline, knows the reply broke.
 */
export const FrameKinds = {
  response: 'response',
  chunk: 'chunk',
  done: 'done',
  error: 'error',
} as const;
export type FrameKind = (typeof FrameKinds)[keyof typeof FrameKinds];

export const isFrameKind = (value: unknown): value is FrameKind =>
  typeof value === 'string' && Object.hasOwn(FrameKinds, value);

export const isTerminalFrame = (kind: FrameKind): boolean => kind !== FrameKinds.chunk;
