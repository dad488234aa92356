import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceHandle } from '../service-handle.js';
import { sendJson } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import { cohereError, invalidToken } from './cohere-errors.js';
import { handleCohereChat, sendCohereFailure } from './cohere-chat.js';
import { handleCohereEmbed } from './cohere-embed.js';
import { readFakeRequest, type RecordedFakeRequest } from '../fake-server/read-fake-request.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeCohereOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Delay before each stream event. */
  chunkDelayMs?: number;
}

export type RecordedCohereRequest = RecordedFakeRequest;

export interface FakeCohere extends ServiceHandle {
  /** The server's base URL, as `CohereClientV2({environment})` and our `base_url` take it. */
  readonly url: string;
  readonly requests: RecordedCohereRequest[];
}

/**
 * A local server speaking Cohere's v2 chat API (JSON answers, typed SSE events, `{message}`
 * errors) and its v2 embed API.
 */
export async function startFakeCohere(options: FakeCohereOptions = {}): Promise<FakeCohere> {
  const requests: RecordedCohereRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { signal, path, recorded } = await readFakeRequest(req, res);
    requests.push(recorded);
    const { body } = recorded;

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendCohereFailure(res, invalidToken());
    }
    if (req.method === 'POST' && path === '/v2/chat') {
      if (!isRecord(body))
        return sendCohereFailure(res, cohereError(400, 'invalid request: body must be a JSON object.'));
      return handleCohereChat(body, { res, signal: signal, chunkDelayMs: options.chunkDelayMs ?? 0 });
    }
    if (req.method === 'POST' && path === '/v2/embed') {
      if (!isRecord(body))
        return sendCohereFailure(res, cohereError(400, 'invalid request: body must be a JSON object.'));
      return handleCohereEmbed(body, { res, signal: signal });
    }
    sendCohereFailure(res, cohereError(404, `route ${req.method ?? ''} ${path} not found`));
  }

  const { url, stop } = await startFakeServer(handle, (res) =>
    sendJson(res, 500, { message: 'internal server error' }),
  );
  return { url, requests, stop };
}
