import { GatewayError, isGatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { Pool, type Dispatcher } from 'undici';
import type {
  HttpProtocol,
  HttpRequestSpec,
  ProviderAdapter,
  ProviderCall,
  ReplySink,
} from './providers/types.js';
import { readUpstreamEvents } from './framing/index.js';

export interface HttpAdapterOptions {
  providerId: string;
  /** `https://api.example.com`: one connection pool per provider. */
  origin: string;
  connections: number;
  protocol: HttpProtocol;
}

const encoder = new TextEncoder();

/**
 * The one place that does I/O for HTTP providers: undici's Pool (not the global fetch, which
 * costs several times the CPU per call), the request's abort signal, SSE parsing and frames.
 * Adapters only translate, so every provider aborts, streams and fails the same way.
 */
export function createHttpAdapter({
  providerId,
  origin,
  connections,
  protocol,
}: HttpAdapterOptions): ProviderAdapter {
  // The request's own deadline bounds every call; undici's fixed 300 s timeouts would cut long
  // generations short, or outlive a short deadline.
  const pool = new Pool(origin, { connections, headersTimeout: 0, bodyTimeout: 0 });

  /** Sends one request upstream; resolves with a 2xx answer, throws the mapped error otherwise. */
  const send = async (spec: HttpRequestSpec, call: ProviderCall): Promise<Dispatcher.ResponseData> => {
    let res: Dispatcher.ResponseData;
    try {
      res = await pool.request({
        method: 'POST',
        path: spec.path,
        headers: spec.headers,
        body: spec.body,
        signal: call.signal,
      });
    } catch (err) {
      throw protocol.mapConnectionError(err) ?? err;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      throw protocol.mapError({ status: res.statusCode, body: text, headers: res.headers });
    }
    return res;
  };

  const readWhole = async (res: Dispatcher.ResponseData, call: ProviderCall): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await res.body.arrayBuffer());
    } catch (err) {
      throw call.signal.aborted ? err : brokenAnswer(providerId, 'answer', err);
    }
  };

  const adapter: ProviderAdapter = {
    async call(call, reply) {
      const res = await send(await protocol.toRequest(call), call);
      if (call.stream) return relayStream(res.body, call, reply, protocol);
      const { data, usage } = protocol.readResponse(await readWhole(res, call), call);
      reply.response(data, usage ? { usage } : {});
    },
    close: () => pool.close(),
  };

  const toEmbeddingsRequest = protocol.toEmbeddingsRequest?.bind(protocol);
  const readEmbeddingsResponse = protocol.readEmbeddingsResponse?.bind(protocol);
  if (toEmbeddingsRequest && readEmbeddingsResponse) {
    // Embeddings are never streamed: one request, one whole answer.
    adapter.embed = async (call, reply) => {
      const res = await send(await toEmbeddingsRequest(call), call);
      const { data, usage } = readEmbeddingsResponse(await readWhole(res, call), call);
      reply.response(data, usage ? { usage } : {});
    };
  }
  return adapter;
}

/**
 * Forwards each translated chunk as a frame the moment its upstream event is parsed: never
 * batched or held. A stream always ends with a terminal frame: `done`, else an error.
 */
async function relayStream(
  body: Dispatcher.ResponseData['body'],
  call: ProviderCall,
  reply: ReplySink,
  protocol: HttpProtocol,
): Promise<void> {
  const translate = protocol.streamTranslator(call);
  let usage: UsageSummary | undefined;
  let ended = false;
  try {
    for await (const events of readUpstreamEvents(
      body as AsyncIterable<Uint8Array>,
      protocol.streamFraming ?? 'sse',
    )) {
      for (const event of events) {
        for (const e of translate(event)) {
          if (e.kind === 'chunk') {
            if (e.usage) {
              usage = e.usage;
              reply.usage?.(e.usage);
            }
            if (e.forward) reply.chunk(encoder.encode(e.data));
          } else if (e.kind === 'done') {
            ended = true;
            reply.done(usage ? { usage } : {});
            return;
          } else {
            throw e.error;
          }
        }
      }
    }
  } catch (err) {
    if (isGatewayError(err)) throw err;
    if (ended) return; // the answer was complete; a late reset changes nothing
    if (call.signal.aborted) throw err;
    throw brokenAnswer(call.providerId, 'stream', err);
  }
  // A provider that closes without its end marker may have cut the answer short: say so, never end silently.
  throw brokenAnswer(call.providerId, 'stream');
}

const brokenAnswer = (providerId: string, what: 'answer' | 'stream', cause?: unknown): GatewayError =>
  new GatewayError('upstream_error', `The upstream ${what} ended before it was complete`, {
    provider: providerId,
    cause,
  });
