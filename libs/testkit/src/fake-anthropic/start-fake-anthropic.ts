import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceHandle } from '../service-handle.js';
import { isRecord } from '../fake-openai/message-text.js';
import type { RecordedRequest } from '../fake-openai/start-fake-openai.js';
import { invalidRequest } from './anthropic-errors.js';
import { createUsageMeter } from './fake-usage.js';
import { handleMessages, sendFailure } from './messages-endpoint.js';
import { readFakeRequest } from '../fake-server/read-fake-request.js';
import { startFakeServer } from '../fake-server/start-fake-server.js';

export interface FakeAnthropicOptions {
  /** When set, requests must carry it (`x-api-key` or `Authorization: Bearer`), else 401 authentication_error. */
  apiKey?: string;
  /** Delay before answering any request. */
  latencyMs?: number;
  /** Delay before each stream event. */
  chunkDelayMs?: number;
}

export interface FakeAnthropic extends ServiceHandle {
  /** The origin, as `@anthropic-ai/sdk`'s `baseURL` and the `anthropic` provider's `base_url` expect. */
  readonly url: string;
  readonly requests: RecordedRequest[];
}

/** A local server speaking Anthropic's Messages API wire format; see `handleMessages`. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const meter = createUsageMeter();
  async function handle(req: IncomingMessage, res: ServerResponse, n: number): Promise<void> {
    const requestId = requestIdOf(n);
    res.setHeader('request-id', requestId);
    const { signal, path, parsed, recorded } = await readFakeRequest(req, res);
    requests.push(recorded);
    const ctx = { res, requestId };

    // The API takes the key as `x-api-key` (what gateways send) or as a bearer token (what
    // @anthropic-ai/sdk 1.x sends).
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const key = req.headers['x-api-key'] ?? bearer;
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return sendFailure(ctx, { status: 401, type: 'authentication_error', message: 'invalid x-api-key' });
    }
    if (!req.headers['anthropic-version']) {
      return sendFailure(ctx, invalidRequest('anthropic-version: header is required'));
    }
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal: signal });

    if (req.method === 'POST' && path === '/v1/messages') {
      if (!parsed.ok || !isRecord(parsed.value)) {
        return sendFailure(ctx, invalidRequest('The request body is not valid JSON.'));
      }
      const model = typeof parsed.value.model === 'string' ? parsed.value.model : '';
      return handleMessages(parsed.value, {
        res,
        signal: signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        meta: { id: `msg_fake${String(n).padStart(6, '0')}`, model },
        requestId,
        meter,
      });
    }
    return sendFailure(ctx, { status: 404, type: 'not_found_error', message: 'Not found' });
  }

  const { url, stop } = await startFakeServer(handle, (res, n) =>
    sendFailure(
      { res, requestId: requestIdOf(n) },
      { status: 500, type: 'api_error', message: 'Internal server error' },
    ),
  );
  return { url, requests, stop };
}

const requestIdOf = (n: number): string => `req_fake_${String(n).padStart(6, '0')}`;
