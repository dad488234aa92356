import type { GatewayError } from '@switchyard/contracts';
import type { Replier, UsageSummary } from '@switchyard/bus';

/** One upstream call, as the handler hands it to an adapter: the body parsed once, the rest from headers. */
export interface ProviderCall {
  providerId: string;
  /** The provider's model name, as the router chose it (`sy-upstream-model`). */
  upstreamModel: string;
  stream: boolean;
  /** Whether the caller asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** The canonical (OpenAI) request body; unknown fields included. */
  body: Record<string, unknown>;
  /** Aborted on deadline, cancellation or shutdown: every wait must give up then. */
  signal: AbortSignal;
}

/** The frames an adapter may send; terminal errors are thrown instead, so one place tags and sends them. */
export type ReplySink = Pick<Replier, 'chunk' | 'done' | 'response'> & {
  /**
   * The usage the provider reported so far in a stream (running counts, or the final ones), told
   * before the stream ends: a call aborted mid-way is accounted with it.
   */
  usage?(usage: UsageSummary): void;
};

/** A provider as the worker sees it: answers calls through a sink and owns its connections. */
export interface ProviderAdapter {
  /** Answers one call through `reply`; throws a GatewayError when it cannot. */
  call(call: ProviderCall, reply: ReplySink): Promise<void>;
  close(): Promise<void>;
  /**
   * Answers one embeddings call (OpenAI's `POST /v1/embeddings` body) with one `response` frame.
   * A provider without it is answered 400 `invalid_request`.
   */
  embed?(call: ProviderCall, reply: ReplySink): Promise<void>;
}

/** What an HTTP adapter sends upstream: the path under the provider's base URL, headers and body. */
export interface HttpRequestSpec {
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** A non-2xx upstream answer, as the error mapper needs it. */
export interface UpstreamFailure {
  status: number;
  /** The body as text: providers do not always answer errors with JSON. */
  body: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One event of an upstream stream: an SSE event, or one record of another framing. */
export interface UpstreamEvent {
  /** The SSE `event:` name (Anthropic names its events), or the record's type in other framings. */
  event?: string | undefined;
  data: string;
}

/** What one upstream event means for the reply; `data` is an OpenAI chunk's JSON text. */
export type StreamEvent =
  | { kind: 'chunk'; data: string; forward: boolean; usage?: UsageSummary }
  | { kind: 'done' }
  | { kind: 'error'; error: GatewayError };

/**
 * Translates one call's upstream stream, event by event, into OpenAI chunks. Made per call:
 * provider streams carry state (tool-call indexes, usage split across events, the message id).
 */
export type StreamTranslator = (event: UpstreamEvent) => readonly StreamEvent[];

/** How an upstream frames its stream; the executor turns each into `UpstreamEvent`s. */
export type StreamFraming = 'sse' | 'aws-eventstream' | 'ndjson';

/**
 * The pure half of an HTTP provider: wire-format translation and error mapping. The executor
 * does the I/O, so every HTTP provider gets the same deadline, abort and streaming behaviour.
 */
export interface HttpProtocol {
  /** A promise where building the request needs async work (Bedrock's SigV4 signing). */
  toRequest(call: ProviderCall): HttpRequestSpec | Promise<HttpRequestSpec>;
  /**
   * A whole 2xx answer as an OpenAI chat completion (the same bytes when the provider speaks
   * OpenAI already) and its usage; throws `upstream_error` when the answer cannot be read.
   */
  readResponse(body: Uint8Array, call: ProviderCall): { data: Uint8Array; usage?: UsageSummary | undefined };
  streamTranslator(call: ProviderCall): StreamTranslator;
  /** Default `sse`. */
  streamFraming?: StreamFraming;
  mapError(failure: UpstreamFailure): GatewayError;
  /** A failure to reach the provider at all (refused, reset, DNS); undefined when `err` is not one. */
  mapConnectionError(err: unknown): GatewayError | undefined;
  /** An embeddings call upstream; a protocol without it serves no embeddings. */
  toEmbeddingsRequest?(call: ProviderCall): HttpRequestSpec | Promise<HttpRequestSpec>;
  /** A 2xx embeddings answer as OpenAI's `CreateEmbeddingResponse` bytes, and its usage. */
  readEmbeddingsResponse?(
    body: Uint8Array,
    call: ProviderCall,
  ): { data: Uint8Array; usage?: UsageSummary | undefined };
}
