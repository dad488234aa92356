import {
  ANSWER_HEADER_PREFIX,
  CACHE_STATUS_HEADER,
  FrameKinds,
  Headers,
  Subjects,
  toOpenAIErrorBody,
  GatewayError,
  type FrameKind,
  type RequestCompleted,
  answerHeader,
} from '@switchyard/contracts';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { createAnswerCapture, type AnswerCapture } from './answer-capture.js';
import { bodyLimitOf, claimCheckOf } from './claim-check.js';
import { createContentCapture, type ContentCapture } from './content-capture.js';
import { isLocalReply, replyOrDeliver } from './local-dispatch.js';
import { publishEvent } from './local-events.js';
import { traceIdOf } from './trace.js';
import { natsHeaders } from './headers.js';

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

export type UsageSummary = NonNullable<RequestCompleted['usage']>;

/** What a successful answer used, for its completion event. */
export interface ReplyResult {
  usage?: UsageSummary;
  /** USD, from the usage at the model's price; left out when the price is unknown. */
  cost?: number;
  /** A cache hit: what the answer cost when it was first made. */
  savedCost?: number;
}

export interface Replier {
  /** Sends one stream chunk (OpenAI `chat.completion.chunk` JSON bytes). */
  chunk(data: Uint8Array): void;
  /** Ends a stream normally. */
  done(result?: ReplyResult): void;
  /** Sends a whole answer. */
  response(data: Uint8Array, result?: ReplyResult): void;
  /** Ends the reply with an error in the OpenAI shape. */
  error(err: GatewayError): void;
  /** A terminal frame was sent: later calls are ignored. */
  readonly finished: boolean;
  /** A frame went out already: past this point a failure cannot be retried elsewhere. */
  readonly started: boolean;
}

const header = (h: MsgHdrs | undefined, name: string): string | undefined => {
  const v = h?.get(name);
  return v === '' || v === undefined ? undefined : v;
};
const intHeader = (h: MsgHdrs | undefined, name: string): number | undefined => {
  const v = header(h, name);
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** What earlier stages asked to tell the caller (`sy-answer-*`) goes out with the first frame. */
function copyAnswerHeaders(request: MsgHdrs | undefined, frame: MsgHdrs): void {
  if (request === undefined) return;
  for (const name of request.keys()) {
    if (name.startsWith(ANSWER_HEADER_PREFIX)) frame.set(name, request.get(name));
  }
}

/** The cache's `x-switchyard-cache` answer header (`HIT`, `MISS`, `BYPASS`) as the event says it. */
const cacheOutcomeOf = (status: string | undefined): RequestCompleted['cache'] => {
  const v = status?.toLowerCase();
  return v === 'hit' || v === 'miss' || v === 'bypass' ? v : undefined;
};

/** Builds the completion event of a request from its headers: one place decides what an event says. */
export function completedEvent(
  request: MsgHdrs | undefined,
  outcome: { status: number; errorCode?: string; ttftMs?: number; usageEstimated?: boolean } & ReplyResult,
): RequestCompleted {
  const receivedAt = intHeader(request, Headers.receivedAt) ?? Date.now();
  const event: RequestCompleted = {
    request_id: header(request, Headers.requestId) ?? 'unknown',
    op: header(request, Headers.op) ?? 'unknown',
    stream: header(request, Headers.stream) === 'true',
    status: outcome.status,
    received_at: receivedAt,
    duration_ms: Math.max(0, Date.now() - receivedAt),
  };
  const optional = {
    model: header(request, Headers.model),
    key_id: header(request, Headers.keyId),
    team: header(request, Headers.team),
    provider: header(request, Headers.provider),
    deployment: header(request, Headers.deployment),
    upstream_model: header(request, Headers.upstreamModel),
    attempt: intHeader(request, Headers.attempt),
    error_code: outcome.errorCode,
    usage: outcome.usage,
    usage_estimated: outcome.usageEstimated === true ? true : undefined,
    cost_usd: outcome.cost,
    cache: cacheOutcomeOf(header(request, answerHeader(CACHE_STATUS_HEADER))),
    saved_usd: outcome.savedCost,
    ttft_ms: outcome.ttftMs,
    trace_id: traceIdOf(header(request, Headers.traceparent)),
    reserved_tokens: intHeader(request, Headers.reservedTokens),
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (event as Record<string, unknown>)[k] = v;
  return event;
}

export function publishCompleted(nc: NatsConnection, event: RequestCompleted): void {
  // The events stream stores a request's event once, however often it is published.
  const h = natsHeaders();
  if (event.request_id !== 'unknown') h.set('Nats-Msg-Id', event.request_id);
  publishEvent(nc, Subjects.events.requestCompleted, JSON.stringify(event), h);
}

/**
 * Answers one requester with numbered frames, and emits the request's completion event when the
 * terminal frame goes out, so every request is accounted for exactly once, whoever answers it.
 * A message published without a reply subject (fire-and-forget) still gets its event.
 */
export function createReplier(
  nc: NatsConnection,
  reply: string | undefined,
  request: MsgHdrs | undefined,
  /** The request's body, for its `request.content` event when policy asked for one. */
  body?: Uint8Array,
): Replier {
  let seq = 0;
  let finished = false;
  let firstFrameAt: number | undefined;
  // Both decided at the first frame, once the stage answering has stamped the request: policy may
  // ask for its content, and a cache that took a key's lock and then answers an error itself (no
  // router running) must free the lock as any failed answer does.
  let answer: AnswerCapture | undefined | null = null;
  const capture = (): AnswerCapture | undefined =>
    answer === null ? (answer = createAnswerCapture(nc, request)) : answer;
  let content: ContentCapture | undefined | null = null;
  const recorder = (): ContentCapture | undefined =>
    content === null
      ? (content = body === undefined ? undefined : createContentCapture(nc, request, body))
      : content;
  /** A frame being claim-checked: later frames wait behind it, so they keep their order. */
  let pending: Promise<void> | undefined;

  const send = (kind: FrameKind, data: Uint8Array, extra?: (h: MsgHdrs) => void): void => {
    firstFrameAt ??= Date.now();
    if (reply === undefined || nc.isClosed()) return;
    const h = natsHeaders();
    h.set(Headers.frame, kind);
    if (seq === 0) copyAnswerHeaders(request, h);
    h.set(Headers.seq, String(seq++));
    extra?.(h);
    // A frame for this process's own inbox is handed over whole: NATS's size limit is not in the way.
    if (pending === undefined && (data.byteLength <= bodyLimitOf(nc) || isLocalReply(nc, reply))) {
      replyOrDeliver(nc, reply, data, h);
      return;
    }
    // Too large for a message (a long embeddings answer): the body goes by claim check.
    const sent: Promise<void> = (pending ?? Promise.resolve())
      .then(() => (data.byteLength <= bodyLimitOf(nc) ? data : claimCheckOf(nc).put(data, h)))
      .catch(() => {
        // Could not store it: the requester gets an error frame in the answer's place.
        const err = new GatewayError(
          'unavailable',
          'The answer was too large to send and could not be stored.',
        );
        h.set(Headers.frame, FrameKinds.error);
        h.set(Headers.status, String(err.status));
        h.set(Headers.errorCode, err.code);
        return encoder.encode(JSON.stringify(toOpenAIErrorBody(err)));
      })
      .then((payload) => {
        if (!nc.isClosed()) replyOrDeliver(nc, reply, payload, h);
        if (pending === sent) pending = undefined;
      });
    pending = sent;
  };

  // Runs just before the terminal frame goes out: the event (which frees the caller's concurrency
  // slot in policy) is on its way before the caller can send its next request. With local
  // dispatch, a policy of this process handles it before a reply inbox of this process gets the frame.
  const finish = (status: number, outcome: { errorCode?: string } & ReplyResult): void => {
    finished = true;
    firstFrameAt ??= Date.now();
    // The request's own claim-checked body is not needed once it is answered.
    const bodyRef = request?.get(Headers.bodyRef);
    if (bodyRef) void claimCheckOf(nc).delete(bodyRef);
    // From the gateway's receipt of the request, so time spent in earlier stages counts too.
    const receivedAt = intHeader(request, Headers.receivedAt);
    const ttftMs =
      firstFrameAt === undefined || receivedAt === undefined
        ? undefined
        : Math.max(0, firstFrameAt - receivedAt);
    publishCompleted(nc, completedEvent(request, { status, ttftMs, ...outcome }));
  };

  return {
    chunk(data) {
      if (finished) return;
      send(FrameKinds.chunk, data);
      capture()?.chunk(data);
      recorder()?.chunk(data);
    },
    done(result = {}) {
      if (finished) return;
      finish(200, result);
      send(FrameKinds.done, EMPTY);
      capture()?.done(result);
      recorder()?.end();
    },
    response(data, result = {}) {
      if (finished) return;
      finish(200, result);
      send(FrameKinds.response, data, (h) => h.set(Headers.status, '200'));
      capture()?.response(data, result);
      recorder()?.end(data);
    },
    error(err) {
      if (finished) return;
      capture()?.failed();
      recorder()?.end();
      const body = encoder.encode(JSON.stringify(toOpenAIErrorBody(err)));
      finish(err.status, { errorCode: err.code });
      send(FrameKinds.error, body, (h) => {
        h.set(Headers.status, String(err.status));
        h.set(Headers.errorCode, err.code);
        if (err.retryAfterMs !== undefined) h.set(Headers.retryAfterMs, String(err.retryAfterMs));
      });
    },
    get finished() {
      return finished;
    },
    get started() {
      return seq > 0;
    },
  };
}
