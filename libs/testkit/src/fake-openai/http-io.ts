import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeFailure } from './openai-errors.js';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.once('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendFailure(res: ServerResponse, failure: FakeFailure): void {
  sendJson(res, failure.status, failure.body, failure.headers);
}

/** Starts an SSE response with the headers OpenAI sends for `stream: true`. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
}

/** Writes one `data:` event and resolves once it is handed to the socket (so a later destroy keeps it). */
export function writeEvent(res: ServerResponse, data: unknown): Promise<void> {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return new Promise((resolve) => res.write(`data: ${text}\n\n`, () => resolve()));
}
