import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from '../infra/once.js';
import type { ServiceHandle } from '../service-handle.js';
import { sendBedrockError, unknownOperation, validationError } from './bedrock-errors.js';
import type { PromptCache } from './converse-answer.js';
import { isRecord } from './converse-text.js';
import { listenHttp1And2, type DualRequestListener } from './dual-protocol-server.js';
import { breakConnection, type AnyServerResponse } from './fake-response.js';
import { handleConverse } from './handle-converse.js';
import { handleInvokeEmbeddings } from './invoke-embeddings.js';
import { verifySigV4, type FakeAwsCredentials } from './verify-sigv4.js';
import { parseJson } from '../fake-server/parse-json.js';

export interface FakeBedrockOptions {
  /** The region requests must be signed for; default `us-east-1`. */
  region?: string;
  /** When set, signatures are verified with these keys; otherwise only their shape is checked. */
  credentials?: FakeAwsCredentials;
  /** Delay before answering any request. */
  latencyMs?: number;
  /** Delay before each stream event. */
  chunkDelayMs?: number;
}

/** One request as the fake received it, for assertions on what a gateway sent upstream. */
export interface RecordedBedrockRequest {
  method: string;
  /** The path as sent, still URI-encoded: `/model/amazon.nova-lite-v1%3A0/converse`. */
  path: string;
  /** The model id, decoded from the path; undefined for an unknown path. */
  modelId: string | undefined;
  operation: 'converse' | 'converse-stream' | 'invoke' | undefined;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
}

export interface FakeBedrock extends ServiceHandle {
  /** The endpoint, as `BedrockRuntimeClient`'s `endpoint` and the gateway's `base_url` take it. */
  readonly url: string;
  readonly region: string;
  readonly requests: RecordedBedrockRequest[];
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

/**
 * A local server speaking Bedrock's Converse and ConverseStream wire format, and InvokeModel as
 * Titan Text Embeddings v2 answers it, SigV4 checked as Bedrock checks it; see `handleConverse`
 * and `handleInvokeEmbeddings` for the answers and the misbehaviour by model id.
 */
export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  const region = options.region ?? 'us-east-1';
  const requests: RecordedBedrockRequest[] = [];
  const cache: PromptCache = new Set();
  const onRequest: DualRequestListener = (req, res) => {
    const requestId = randomUUID();
    handle(req, res, requestId).catch(() => {
      // Aborted waits land here when the client left or the server stopped: nothing to answer.
      if (!res.headersSent && !res.destroyed) {
        sendBedrockError(
          res,
          { type: 'InternalServerException', status: 500, message: 'Internal error' },
          requestId,
        );
      } else breakConnection(res);
    });
  };

  async function handle(req: Request, res: AnyServerResponse, requestId: string): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const raw = await readRaw(req);
    const text = raw.toString('utf8');
    const parsed = parseJson(text);
    const route = ROUTE.exec(path);
    const modelId = route ? safeDecode(route[1]!) : undefined;
    const operation = route?.[2] as RecordedBedrockRequest['operation'];
    requests.push({
      method: req.method ?? '',
      path,
      modelId,
      operation,
      headers: req.headers,
      body: parsed.ok ? parsed.value : text || undefined,
    });

    const denied = verifySigV4(
      { method: req.method ?? '', url, headers: req.headers, body: raw },
      { region, credentials: options.credentials },
    );
    if (denied) return sendBedrockError(res, denied, requestId);
    if (options.latencyMs) await sleep(options.latencyMs, undefined, { signal: aborter.signal });
    if (req.method !== 'POST' || modelId === undefined)
      return sendBedrockError(res, unknownOperation(), requestId);
    if (!parsed.ok || !isRecord(parsed.value)) {
      return sendBedrockError(
        res,
        validationError('Malformed input request, please reformat your input and try again.'),
        requestId,
      );
    }
    if (operation === 'invoke') {
      return handleInvokeEmbeddings(modelId, parsed.value, { res, signal: aborter.signal, requestId });
    }
    return handleConverse(modelId, parsed.value, operation === 'converse-stream', {
      res,
      signal: aborter.signal,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      requestId,
      cache,
      breakConnection: () => breakConnection(res),
    });
  }

  const server = await listenHttp1And2(onRequest);
  return { url: `http://127.0.0.1:${server.port}`, region, requests, stop: once(server.stop) };
}

type Request = Parameters<DualRequestListener>[0];

function readRaw(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.once('end', () => resolve(Buffer.concat(parts)));
    req.once('error', reject);
  });
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
