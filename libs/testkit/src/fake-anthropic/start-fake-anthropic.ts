import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { readBody } from '../fake-openai/http-io.js';
import { isRecord } from '../fake-openai/message-text.js';
import type { RecordedRequest } from '../fake-openai/start-fake-openai.js';
import { invalidRequest } from './anthropic-errors.js';
import { createUsageMeter } from './fake-usage.js';
import { handleMessages, sendFailure } from './messages-endpoint.js';

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
  let seq = 0;
  const server = createServer((req, res) => {
    const n = ++seq;
    const requestId = `req_fake_${String(n).padStart(6, '0')}`;
    res.setHeader('request-id', requestId);
    handle(req, res, n, requestId).catch(() => {
      // Aborted waits land here when the client left or the server stopped: nothing to answer.
      if (!res.headersSent && !res.destroyed) {
        sendFailure({ res, requestId }, { status: 500, type: 'api_error', message: 'Internal server error' });
      } else res.destroy();
    });
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    n: number,
    requestId: string,
  ): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    requests.push({
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: parsed.ok ? parsed.value : raw || undefined,
    });
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
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal: aborter.signal });

    if (req.method === 'POST' && path === '/v1/messages') {
      if (!parsed.ok || !isRecord(parsed.value)) {
        return sendFailure(ctx, invalidRequest('The request body is not valid JSON.'));
      }
      const model = typeof parsed.value.model === 'string' ? parsed.value.model : '';
      return handleMessages(parsed.value, {
        res,
        signal: aborter.signal,
        chunkDelayMs: options.chunkDelayMs ?? 0,
        meta: { id: `msg_fake${String(n).padStart(6, '0')}`, model },
        requestId,
        meter,
      });
    }
    return sendFailure(ctx, { status: 404, type: 'not_found_error', message: 'Not found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  // closeAllConnections destroys sockets held by `hang` requests and keep-alive clients, which
  // would otherwise keep close() waiting forever.
  const stop = once(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${port}`, requests, stop };
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}
