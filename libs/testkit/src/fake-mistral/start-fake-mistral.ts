import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ServiceHandle } from '../service-handle.js';
import { sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { mistralError, unauthorized } from './mistral-errors.js';
import { handleMistralChat, sendMistralFailure } from './mistral-chat.js';
import { handleMistralEmbeddings } from './mistral-embeddings.js';
import { readFakeRequest, type RecordedFakeRequest } from '../fake-server/read-fake-request.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeMistralOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Delay before each stream chunk. */
  chunkDelayMs?: number;
}

export type RecordedMistralRequest = RecordedFakeRequest;

export interface FakeMistral extends ServiceHandle {
  /** The server's base URL, as the SDK's `serverURL` and our `base_url` take it. */
  readonly url: string;
  readonly requests: RecordedMistralRequest[];
}

/** A local server speaking Mistral's chat completions and embeddings, strict validation and errors included. */
export async function startFakeMistral(options: FakeMistralOptions = {}): Promise<FakeMistral> {
  const requests: RecordedMistralRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { signal, path, recorded } = await readFakeRequest(req, res);
    requests.push(recorded);
    const { body } = recorded;

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendMistralFailure(res, unauthorized());
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (!isRecord(body))
        return sendMistralFailure(res, mistralError(400, 'Invalid JSON body', 'invalid_request_error'));
      return handleMistralChat(body, {
        res,
        signal: signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        id: randomBytes(16).toString('hex'),
        created: Math.floor(Date.now() / 1000),
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (!isRecord(body))
        return sendMistralFailure(res, mistralError(400, 'Invalid JSON body', 'invalid_request_error'));
      return handleMistralEmbeddings(body, {
        res,
        signal: signal,
        id: randomBytes(16).toString('hex'),
      });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  }

  const { url, stop } = await startFakeServer(handle, (res) =>
    sendJson(res, 500, { object: 'error', message: 'Internal server error' }),
  );
  return { url, requests, stop };
}
