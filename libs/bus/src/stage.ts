import { GatewayError, Headers, toGatewayError } from '@switchyard/contracts';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { bodyOf } from './claim-check.js';
import type { BusLogger } from './connect.js';
import { publishOrDeliver, registerLocalConsumer } from './local-dispatch.js';
import type { Presence } from './presence.js';
import { createReplier, type Replier } from './replier.js';
import { checkRequestSignature, unsignedRequestError } from './request-signature.js';
import { endSpan, injectSpan, startStageSpan, withStageSpan, type StageSpan } from './tracing.js';
import { busHeadersOf } from './headers.js';

export interface StageRequest {
  subject: string;
  /** The body bytes as they came; forwarded untouched. */
  data: Uint8Array;
  /** The request's headers; changes made here travel with the forwarded message. */
  headers: MsgHdrs;
  /** Answers the requester directly (an error, a cache hit, a provider's answer). */
  reply: Replier;
}

/** Forward to the next stage, or nothing when the handler answered through `reply`. */
export type StageOutcome = { forward: string; stage: string } | undefined;

export type StageHandler = (req: StageRequest) => StageOutcome | Promise<StageOutcome>;

export interface StageOptions {
  nc: NatsConnection;
  presence: Presence;
  /** Presence name of this stage (`cache`, `provider.openai`, …). */
  name: string;
  subjects: readonly string[];
  queue: string;
  log: BusLogger;
  /**
   * Runs first, before the deadline check: for an entry stage to drop what an untrusted caller
   * must not set and compute the request's metadata. Throws `GatewayError` to refuse.
   */
  prepare?: (req: StageRequest) => void;
  /**
   * `policy.signing_secret`: when set, a request without a valid, unexpired policy signature is
   * refused (403) before the handler runs, and logged without its secrets.
   */
  signingSecret?: string | undefined;
  /**
   * The handler signs what it forwards (policy, with a signing secret): a stage of this process it
   * hands a request to takes the signature as checked.
   */
  signs?: boolean;
  /**
   * The handler reads the body (not only its length): a claim-checked body (`sy-body-ref`) is fetched
   * from the object store first, and `req.data` is the whole body. The forward still carries only
   * the reference. Without it, a claim-checked request reaches the handler with an empty `data`.
   */
  readsBody?: boolean;
  handle: StageHandler;
}

export interface Stage {
  /** Stops taking messages, lets in-flight ones finish (up to `graceMs`), then returns. */
  stop(graceMs?: number): Promise<void>;
}

export const getHeader = (h: MsgHdrs, name: string): string | undefined => {
  const v = h.get(name);
  return v === '' ? undefined : v;
};

/** The body's size, for a stage that only needs its length: a claim-checked body's comes from `sy-body-bytes`. */
export const bodyBytesOf = (req: StageRequest): number =>
  req.data.byteLength > 0 ? req.data.byteLength : Number(req.headers.get(Headers.bodyBytes)) || 0;

/**
 * Consumes subjects in a queue group and runs a handler per message. The helper does, once for
 * every stage: the deadline check, replying with an OpenAI-shaped error when the handler throws,
 * forwarding with the requester's reply subject kept, a fast 503 when the next stage is down, and
 * a span per message (CONSUMER, child of the message's `traceparent`, injected into the forward).
 */
export async function startStage(options: StageOptions): Promise<Stage> {
  const { nc, presence, name, queue, log, prepare, signingSecret, signs, readsBody, handle } = options;
  let inFlight = 0;
  /** Resolvers of every pending stop(), released when the last in-flight handler settles. */
  const idle = new Set<() => void>();
  const settled = (): void => {
    if (--inFlight === 0) {
      for (const resolve of idle) resolve();
      idle.clear();
    }
  };

  /**
   * A message as this stage handles it: from its NATS subscription, or from a stage of this
   * process (`trusted` when that stage signed or checked the policy signature).
   */
  type Incoming = Pick<Msg, 'subject' | 'data' | 'headers' | 'reply'> & { trusted?: boolean };

  const settle = (
    req: StageRequest,
    msg: Incoming,
    outcome: StageOutcome,
    span: StageSpan,
    trusted: boolean,
  ): void => {
    if (outcome === undefined || req.reply.finished) {
      endSpan(span.span);
      return;
    }
    if (!presence.isAlive(outcome.stage)) {
      const err = new GatewayError('unavailable', `No ${outcome.stage} service is running.`);
      req.reply.error(err);
      endSpan(span.span, err);
      return;
    }
    injectSpan(span, req.headers);
    // Through NATS, or straight to the next stage when it runs in this process (local dispatch).
    publishOrDeliver(nc, outcome.forward, msg.data, { reply: msg.reply, headers: req.headers, trusted });
    endSpan(span.span);
  };

  const fail = (reply: Replier, err: unknown, span?: StageSpan): void => {
    const gatewayError = toGatewayError(err);
    if (gatewayError.code === 'internal') log.error({ err, stage: name }, 'stage handler failed');
    reply.error(gatewayError);
    if (span) endSpan(span.span, gatewayError);
  };

  /** Fetches a claim-checked body, then handles the message; a reference to nothing is the caller's 400. */
  const onClaimChecked = (msg: Incoming, headers: MsgHdrs): void => {
    inFlight++;
    bodyOf(nc, headers, msg.data)
      .then((body) => onMessage(msg, body))
      .catch((err: unknown) => fail(createReplier(nc, msg.reply, headers), err))
      .finally(settled);
  };

  const onMessage = (msg: Incoming, body?: Uint8Array): void => {
    const headers = busHeadersOf(msg.headers);
    const req: StageRequest = {
      subject: msg.subject,
      data: body ?? msg.data,
      headers,
      reply: createReplier(nc, msg.reply, headers, body ?? msg.data),
    };
    if (prepare) {
      try {
        prepare(req);
      } catch (err) {
        fail(req.reply, err);
        return;
      }
    }
    // Stamped from the body itself, after `prepare` dropped whatever a caller claimed.
    if (body !== undefined) headers.set(Headers.bodyBytes, String(body.byteLength));
    const span = startStageSpan(name, msg.subject, headers);
    const deadline = Number(headers.get(Headers.deadline));
    if (deadline > 0 && Date.now() >= deadline) {
      fail(
        req.reply,
        new GatewayError('timeout', 'The request timed out before it could be processed.'),
        span,
      );
      return;
    }
    // A request a stage of this process signed or checked never left the process since: checking
    // its HMAC again would only cost time (3–4% of a single-process gateway's CPU).
    if (signingSecret !== undefined && msg.trusted !== true) {
      const problem = checkRequestSignature(headers, signingSecret, Date.now());
      if (problem !== undefined) {
        log.warn(
          {
            stage: name,
            subject: msg.subject,
            problem,
            requestId: headers.get(Headers.requestId),
            keyId: headers.get(Headers.keyId),
          },
          'refused a request policy did not sign',
        );
        fail(req.reply, unsignedRequestError(), span);
        return;
      }
    }
    const trusted = msg.trusted === true || signingSecret !== undefined || signs === true;
    let outcome: StageOutcome | Promise<StageOutcome>;
    try {
      outcome = withStageSpan(span, () => handle(req));
    } catch (err) {
      fail(req.reply, err, span);
      return;
    }
    if (!(outcome instanceof Promise)) {
      settle(req, msg, outcome, span, trusted);
      return;
    }
    inFlight++;
    outcome
      .then(
        (o) => settle(req, msg, o, span, trusted),
        (err: unknown) => fail(req.reply, err, span),
      )
      .finally(settled);
  };

  /** One way in for every message, whether NATS delivered it or a stage of this process handed it over. */
  const handleMessage = (msg: Incoming): void => {
    if (readsBody && msg.headers?.get(Headers.bodyRef)) onClaimChecked(msg, msg.headers);
    else onMessage(msg);
  };

  const subs: Subscription[] = options.subjects.map((subject) =>
    nc.subscribe(subject, {
      queue,
      callback: (err, msg) => {
        if (err) log.error({ err, subject }, 'subscription error');
        else handleMessage(msg);
      },
    }),
  );
  await nc.flush();
  // With local dispatch on, a stage of this process forwarding here hands the message over directly.
  // It is handled in a later microtask, as a NATS delivery would be, and counts as in flight until then.
  const unregisterLocal = registerLocalConsumer(nc, options.subjects, (msg) => {
    inFlight++;
    queueMicrotask(() => {
      try {
        handleMessage(msg);
      } catch (err) {
        log.error({ err, stage: name }, 'stage failed to take a local message');
      } finally {
        settled();
      }
    });
  });
  // Taken off NATS and not finished: queued in the client or in a handler (a worker's calls in progress).
  presence.announce(name, () => inFlight + subs.reduce((n, s) => n + s.getPending(), 0));

  return {
    async stop(graceMs = 10_000) {
      // From now on a forward from this process goes through NATS, to another replica if there is one.
      unregisterLocal?.();
      presence.withdraw(name);
      await Promise.all(subs.map((s) => s.drain().catch(() => undefined)));
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        idle.add(resolve);
        setTimeout(resolve, graceMs).unref();
      });
    },
  };
}
