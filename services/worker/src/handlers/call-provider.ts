import { GatewayError, Headers, Ops, isGatewayError, parseJsonBody } from '@switchyard/contracts';
import {
  getHeader,
  type MsgHdrs,
  type Replier,
  type ReplyResult,
  type StageHandler,
  type UsageSummary,
} from '@switchyard/bus';
import { endUpstreamSpan, recordUsage, startUpstreamSpan } from '@switchyard/bus';
import { computeCost, type ModelPrice } from '@switchyard/pricing';
import { abortCauseOf, CallAborted } from '../domain/call-aborted.js';
import type { DeploymentSlots } from '../concurrency/deployment-slots.js';
import type { InFlight } from '../domain/in-flight.js';
import type { Reroute } from './reroute.js';
import { isRecord } from '../providers/is-record.js';
import type { ProviderAdapter, ProviderCall, ReplySink } from '../providers/types.js';

export interface CallProviderDeps {
  providerId: string;
  adapter: ProviderAdapter;
  inFlight: InFlight;
  /** Per-deployment concurrency limits: a call waits here for a slot, within its deadline. */
  slots: DeploymentSlots;
  /** Bounds a call whose message carries no `sy-deadline`. */
  defaultTimeoutMs: number;
  /**
   * Accounts for a request whose caller went away: it gets no frame, but still its completion
   * event, with the usage (and its cost) of what was streamed before the cancel, when any.
   */
  onCancelled(headers: MsgHdrs, result?: PartialResult): void;
  /** The price of an upstream model of this provider; undefined when unknown (the event then has no cost). */
  priceOf?(upstreamModel: string): ModelPrice | undefined;
  /** Sends a failure before the first frame back to the router for another deployment. */
  reroute?: Reroute;
}

/** What a cancelled call used up to the cancel; `usageEstimated` when the usage was not all reported. */
export type PartialResult = ReplyResult & { usageEstimated?: boolean };

/** setTimeout fires at once past this; a longer deadline is effectively none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Answers one `stage.provider.<id>` message: builds the call from headers and the body (parsed
 * once), bounds it by the request's deadline, makes it abortable by request id, and turns every
 * way it can end into exactly one terminal frame — or none when the caller cancelled.
 */
export function createCallProvider(deps: CallProviderDeps): StageHandler {
  const { providerId, adapter, inFlight } = deps;
  let untracked = 0;

  return async ({ data, headers, reply }) => {
    const op = getHeader(headers, Headers.op) ?? Ops.chatCompletions;
    const serve = serveOp(adapter, op, providerId);
    const body = parseJsonBody(data) as Record<string, unknown>;
    const streamHeader = getHeader(headers, Headers.stream);
    const options = body['stream_options'];
    const controller = new AbortController();
    const call: ProviderCall = {
      providerId,
      upstreamModel: getHeader(headers, Headers.upstreamModel) ?? String(body['model']),
      // Embeddings are never streamed.
      stream:
        op === Ops.chatCompletions &&
        (streamHeader === undefined ? body['stream'] === true : streamHeader === 'true'),
      includeUsage: isRecord(options) && options['include_usage'] === true,
      body,
      signal: controller.signal,
    };

    const deadline = Number(getHeader(headers, Headers.deadline)) || Date.now() + deps.defaultTimeoutMs;
    const timer = setTimeout(
      () => controller.abort(new CallAborted('deadline')),
      Math.min(Math.max(0, deadline - Date.now()), MAX_TIMER_MS),
    );
    const idle = idleTimer(call.stream ? Number(getHeader(headers, Headers.streamIdleMs)) : 0, () =>
      controller.abort(new CallAborted('stream-idle')),
    );
    const untrack = inFlight.track(
      getHeader(headers, Headers.requestId) ?? `untracked-${++untracked}`,
      controller,
    );
    let failure: unknown;
    let release: (() => void) | undefined;
    let span: ReturnType<typeof startUpstreamSpan> | undefined;
    const partial = partialUsage();
    try {
      const limit = Number(getHeader(headers, Headers.deploymentMaxConcurrency));
      release = await deps.slots.acquire(
        getHeader(headers, Headers.deployment) ?? '',
        limit >= 1 ? limit : undefined,
        controller.signal,
      );
      span = startUpstreamSpan(headers, call.upstreamModel);
      await serve(
        call,
        guard(reply, controller.signal, idle.touch, partial, (result) =>
          recordUsage(span, withCost(result, call, deps)),
        ),
      );
    } catch (err) {
      failure = err;
    } finally {
      endUpstreamSpan(span, failure);
      release?.();
      clearTimeout(timer);
      idle.clear();
      untrack();
    }

    if (reply.finished) return undefined; // answered; an abort that came later changes nothing
    switch (abortCauseOf(controller.signal)) {
      case 'cancelled':
        deps.onCancelled(headers, withCost(partial.result(), call, deps));
        return undefined;
      case 'deadline':
        throw new GatewayError(
          'timeout',
          `Provider ${providerId} did not finish before the request's deadline.`,
          {
            provider: providerId,
            retryable: false,
          },
        );
      case 'stream-idle':
        // Chunks went out already: the stream ends with this error, and the upstream call was aborted.
        throw new GatewayError(
          'timeout',
          `Provider ${providerId} sent nothing for ${idle.ms} ms in the middle of the stream.`,
          { provider: providerId, retryable: false },
        );
      case 'shutdown':
        throw new GatewayError(
          'unavailable',
          `The worker for provider ${providerId} stopped before the answer was complete.`,
          {
            provider: providerId,
          },
        );
      default:
        break;
    }
    if (failure !== undefined) {
      const err = withProvider(failure, providerId);
      const again = deps.reroute?.(err, headers, reply.started);
      if (again !== undefined) return again;
      throw err;
    }
    // An adapter must end every reply; never leave the caller waiting for its deadline.
    throw new GatewayError('internal', `Provider ${providerId} ended its answer without a final frame.`, {
      provider: providerId,
    });
  };
}

type Serve = (call: ProviderCall, reply: ReplySink) => Promise<void>;

/** The adapter's method for an op (`sy-op`); 400 for an op this provider does not serve. */
function serveOp(adapter: ProviderAdapter, op: string, providerId: string): Serve {
  if (op === Ops.chatCompletions) return (call, reply) => adapter.call(call, reply);
  if (op === Ops.embeddings) {
    const embed = adapter.embed?.bind(adapter);
    if (embed !== undefined) return embed;
    throw new GatewayError('invalid_request', `Provider ${providerId} does not support embeddings.`, {
      provider: providerId,
      param: 'model',
    });
  }
  throw new GatewayError('invalid_request', `Provider ${providerId} does not serve ${op} requests.`, {
    provider: providerId,
  });
}

/**
 * Frames stop the moment the call is aborted: a cancelled caller gets nothing more. The terminal
 * frame gets its result completed (the cost of its usage) on the way out.
 */
function guard(
  reply: Replier,
  signal: AbortSignal,
  onChunk: () => void,
  partial: PartialUsage,
  complete: (result: ReplyResult | undefined) => ReplyResult | undefined,
): ReplySink {
  return {
    chunk(data) {
      if (signal.aborted) return;
      onChunk();
      partial.chunk(data);
      reply.chunk(data);
    },
    usage(usage) {
      partial.reported(usage);
    },
    done(result) {
      if (!signal.aborted) reply.done(complete(result));
    },
    response(data, result) {
      if (!signal.aborted) reply.response(data, complete(result));
    },
  };
}

interface PartialUsage {
  chunk(data: Uint8Array): void;
  reported(usage: UsageSummary): void;
  /** The usage so far; undefined when nothing was reported or streamed. */
  result(): PartialResult | undefined;
}

const decoder = new TextDecoder();
/** A chunk that carries text or tool-call arguments (not the role chunk, not the finish chunk). */
const CONTENT_BEARING = /"(?:content|reasoning_content|arguments)"\s*:\s*"(?!")/;

/**
 * The usage of a call cut short. The provider's own counts where it reported them (Anthropic's
 * running counts, Gemini's per-chunk totals); where it reported none yet (OpenAI-compatible
 * streams report usage only at their end) the completion is estimated as one token per
 * content-bearing chunk forwarded, as those servers send about one token a chunk, and the prompt is
 * left at what was reported (0 when nothing was). A reported completion count lower than the
 * chunks forwarded (one not updated mid-stream) is raised to that estimate the same way.
 */
function partialUsage(): PartialUsage {
  let reported: UsageSummary | undefined;
  let chunks = 0;
  return {
    chunk(data) {
      if (CONTENT_BEARING.test(decoder.decode(data))) chunks++;
    },
    reported(usage) {
      reported = usage;
    },
    result() {
      if (reported !== undefined && reported.completion_tokens >= chunks) return { usage: reported };
      if (reported === undefined && chunks === 0) return undefined;
      const base = reported ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      const usage = { ...base, completion_tokens: chunks, total_tokens: base.prompt_tokens + chunks };
      return { usage, usageEstimated: true };
    },
  };
}

/**
 * The stream idle timeout (`sy-stream-idle-ms`): armed by the first chunk and re-armed by each
 * one, so the wait for the first token stays bounded by the deadline alone (a reasoning model may
 * think long before it); a stream silent that long between chunks is ended. `ms` 0 is none.
 */
function idleTimer(ms: number, onIdle: () => void): { ms: number; touch(): void; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  if (!(ms > 0)) return { ms, touch: () => undefined, clear: () => undefined };
  return {
    ms,
    touch() {
      if (timer === undefined) timer = setTimeout(onIdle, Math.min(ms, MAX_TIMER_MS));
      else timer.refresh();
    },
    clear: () => clearTimeout(timer),
  };
}

/** The cost of the usage the adapter reported, at the upstream model's price; none when either is unknown. */
function withCost<R extends ReplyResult>(
  result: R | undefined,
  call: ProviderCall,
  deps: Pick<CallProviderDeps, 'priceOf'>,
): R | undefined {
  if (result?.usage === undefined || result.cost !== undefined) return result;
  const price = deps.priceOf?.(call.upstreamModel);
  return price === undefined ? result : { ...result, cost: computeCost(result.usage, price) };
}

function withProvider(err: unknown, providerId: string): unknown {
  if (!isGatewayError(err) || err.provider !== undefined) return err;
  return new GatewayError(err.code, err.message, {
    retryable: err.retryable,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    ...(err.param === undefined ? {} : { param: err.param }),
    ...(err.openaiCode === undefined ? {} : { openaiCode: err.openaiCode }),
    provider: providerId,
    cause: err.cause,
  });
}
