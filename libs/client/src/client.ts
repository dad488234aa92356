import { randomUUID } from 'node:crypto';
import { connect, headers, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import {
  CallerHeaders,
  FrameKinds,
  GatewayError,
  Headers,
  Ops,
  Subjects,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type Op,
} from '@switchyard/contracts';
import { createClaimCheck, type ClientClaimCheck } from './claim-check.js';
import { sendRequest, type Reply, type ReplyFrame } from './reply.js';
import { createReplyInbox, type ReplyInbox } from './reply-inbox.js';
import { toSwitchyardError } from './switchyard-error.js';

/** The gateway's default `server.request_timeout_ms`: a request's deadline unless told otherwise. */
const DEFAULT_TIMEOUT_MS = 600_000;

export interface SwitchyardClientOptions {
  /** An open NATS connection; the client does not close it. */
  nc: NatsConnection;
  /** Your Switchyard key. Without one, every request is refused (401). */
  apiKey?: string | undefined;
  /** Deadline of every request, unless a request gives its own (the gateway's may be shorter). */
  timeoutMs?: number | undefined;
  /** Where replies come, as the connection's `inboxPrefix`: NATS accounts may allow clients only their own (`_INBOX.client`). */
  inboxPrefix?: string | undefined;
}

export interface RequestOptions {
  /** Your id for the request (`x-request-id`): it names the request in the gateway's logs and events. */
  requestId?: string | undefined;
  /** This request's deadline (`x-switchyard-timeout-ms`). */
  timeoutMs?: number | undefined;
  /** Aborting it cancels the request, upstream work included. */
  signal?: AbortSignal | undefined;
  /** More caller headers: `x-switchyard-tags`, `x-switchyard-route`, `cache-control`, `traceparent`, … */
  headers?: Record<string, string> | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A `response` frame to a stream, or a chunk to a whole request: no stage sends either. */
const unexpected = (requestId: string, frame: ReplyFrame): Error =>
  toSwitchyardError(
    new GatewayError('upstream_error', `The gateway answered with an unexpected '${frame.kind}' frame.`),
    requestId,
  );
const parse = <T>(frame: ReplyFrame): T => JSON.parse(decoder.decode(frame.data)) as T;

/**
 * Talks to Switchyard over NATS, through the public entry subjects (docs/nats-api.md): the same
 * keys, limits, routing and logs as HTTP, without HTTP.
 */
export class SwitchyardClient {
  readonly #nc: NatsConnection;
  readonly #authorization: string | undefined;
  readonly #timeoutMs: number;
  readonly #inbox: ReplyInbox;
  readonly #claimCheck: ClientClaimCheck;

  constructor(options: SwitchyardClientOptions) {
    this.#nc = options.nc;
    this.#authorization = options.apiKey ? `Bearer ${options.apiKey}` : undefined;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#inbox = createReplyInbox(options.nc, options.inboxPrefix);
    this.#claimCheck = createClaimCheck(options.nc);
  }

  /** A chat completion, whole. */
  async chat(request: ChatRequest, options: RequestOptions = {}): Promise<ChatCompletion> {
    return this.#whole<ChatCompletion>(Ops.chatCompletions, { ...request, stream: false }, options);
  }

  /**
   * A streamed chat completion: its chunks as they come. The iteration ends when the stream is
   * done and throws a SwitchyardError if it fails, even midway; leaving the loop early cancels it.
   */
  async *stream(request: ChatRequest, options: RequestOptions = {}): AsyncGenerator<ChatCompletionChunk> {
    const reply = this.#send(Ops.chatCompletions, { ...request, stream: true }, options);
    try {
      for (;;) {
        const frame = await reply.next();
        if (frame.kind === FrameKinds.done) return;
        if (frame.kind !== FrameKinds.chunk) throw unexpected(reply.requestId, frame);
        yield parse<ChatCompletionChunk>(frame);
      }
    } finally {
      reply.close();
    }
  }

  /** Embeddings for the request's input. */
  async embeddings(request: EmbeddingsRequest, options: RequestOptions = {}): Promise<EmbeddingsResponse> {
    return this.#whole<EmbeddingsResponse>(Ops.embeddings, request, options);
  }

  /** Stops receiving replies; requests still running are left to their deadline. Leaves the connection open. */
  close(): void {
    this.#inbox.stop();
  }

  async #whole<T>(op: Op, body: object, options: RequestOptions): Promise<T> {
    const reply = this.#send(op, body, options);
    try {
      const frame = await reply.next();
      if (frame.kind !== FrameKinds.response) throw unexpected(reply.requestId, frame);
      return parse<T>(frame);
    } finally {
      reply.close();
    }
  }

  #send(op: Op, body: object, options: RequestOptions): Reply & { requestId: string } {
    const requestId = options.requestId ?? randomUUID();
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const h = headers();
    for (const [name, value] of Object.entries(options.headers ?? {})) h.set(name, value);
    if (this.#authorization !== undefined) h.set(Headers.authorization, this.#authorization);
    h.set(CallerHeaders.requestId, requestId);
    h.set(CallerHeaders.timeoutMs, String(timeoutMs));
    const reply = sendRequest({
      nc: this.#nc,
      inbox: this.#inbox,
      subject: Subjects.entry(op),
      body: encoder.encode(JSON.stringify(body)),
      headers: h,
      claimCheck: this.#claimCheck,
      requestId,
      deadline: Date.now() + timeoutMs,
      signal: options.signal,
    });
    return Object.assign(reply, { requestId });
  }
}

export type ConnectSwitchyardOptions = NodeConnectionOptions &
  Omit<SwitchyardClientOptions, 'nc' | 'inboxPrefix'>;

/** A client with a NATS connection of its own, closed (drained) by `close()`. */
export interface ConnectedSwitchyardClient extends Omit<SwitchyardClient, 'close'> {
  readonly nc: NatsConnection;
  close(): Promise<void>;
}

/** Connects to NATS (`servers` etc. as `connect` takes them) and returns a client that owns the connection. */
export async function connectSwitchyard(
  options: ConnectSwitchyardOptions,
): Promise<ConnectedSwitchyardClient> {
  const { apiKey, timeoutMs, ...natsOptions } = options;
  const nc = await connect(natsOptions);
  const client = new SwitchyardClient({ nc, apiKey, timeoutMs, inboxPrefix: natsOptions.inboxPrefix });
  return {
    nc,
    chat: (request, opts) => client.chat(request, opts),
    stream: (request, opts) => client.stream(request, opts),
    embeddings: (request, opts) => client.embeddings(request, opts),
    async close() {
      client.close();
      await nc.drain();
    },
  };
}
