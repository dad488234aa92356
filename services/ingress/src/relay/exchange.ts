import type { Frame, ReplyInbox } from '@switchyard/bus';
import { FrameKinds, GatewayError, isGatewayError, isTerminalFrame } from '@switchyard/contracts';

/** What the requester receives: a frame, or the error that ended the reply (never both after it). */
export type ReplyEvent = Frame | GatewayError;

/**
 * A stage answering at the deadline (its own `timeout` error) beats the ingress's timer by this
 * much, so the caller gets the stage's answer and its accounting rather than ours.
 */
const DEADLINE_GRACE_MS = 100;

export interface ExchangeOptions {
  inbox: ReplyInbox;
  /** Epoch milliseconds. */
  deadline: number;
  /** Called when the ingress stops waiting before a terminal frame (deadline, lost frame). */
  onAbandon: () => void;
}

export interface Exchange {
  /** The reply subject to publish the request with. */
  readonly subject: string;
  /** The first event: it decides between a JSON answer and a stream. */
  readonly first: Promise<ReplyEvent>;
  /** True once a terminal frame or an error was received, or `close()` was called. */
  readonly ended: boolean;
  /** Delivers every later event, in order: those received meanwhile at once, then as they arrive. */
  pipe(sink: (event: ReplyEvent) => void): void;
  /** Stops listening; later frames for this request are dropped. Idempotent. */
  close(): void;
}

/**
 * The requester's side of one reply: checks the frame sequence (core NATS may drop a message),
 * enforces the deadline, and keeps frames in order while nobody consumes them yet.
 */
export function openExchange({ inbox, deadline, onAbandon }: ExchangeOptions): Exchange {
  let ended = false;
  let expectedSeq = 0;
  let firstSeen = false;
  let resolveFirst!: (event: ReplyEvent) => void;
  const first = new Promise<ReplyEvent>((resolve) => (resolveFirst = resolve));
  let sink: ((event: ReplyEvent) => void) | undefined;
  const queued: ReplyEvent[] = [];

  const emit = (event: ReplyEvent): void => {
    if (!firstSeen) {
      firstSeen = true;
      resolveFirst(event);
    } else if (sink) sink(event);
    else queued.push(event);
  };

  // Runs only from callbacks, once `entry` and `timer` below exist.
  const end = (): void => {
    ended = true;
    clearTimeout(timer);
    entry.close();
  };

  const abandon = (err: GatewayError): void => {
    end();
    emit(err);
    onAbandon();
  };

  const entry = inbox.open((event) => {
    if (ended) return;
    if (isGatewayError(event)) {
      // No responders means nobody got the request: nothing to cancel.
      if (event.code === 'unavailable') {
        end();
        emit(event);
      } else abandon(event);
      return;
    }
    if (event.seq !== expectedSeq) {
      abandon(
        new GatewayError(
          'upstream_error',
          `Part of the answer was lost on its way through the gateway (frame ${expectedSeq} is missing).`,
        ),
      );
      return;
    }
    expectedSeq++;
    if (isTerminalFrame(event.kind)) end();
    emit(event);
  });

  const timer = setTimeout(
    () => abandon(new GatewayError('timeout', 'The request timed out before the answer was complete.')),
    Math.max(0, deadline - Date.now()) + DEADLINE_GRACE_MS,
  );

  return {
    subject: entry.subject,
    first,
    get ended() {
      return ended;
    },
    pipe(consumer) {
      for (const event of queued) consumer(event);
      queued.length = 0;
      sink = consumer;
    },
    close() {
      if (!ended) end();
      // Whoever awaits the first event must not wait forever for a reply nobody listens to.
      if (!firstSeen) emit(new GatewayError('cancelled', 'The request was cancelled by the caller.'));
    },
  };
}

export const isStreamStart = (event: ReplyEvent): event is Frame =>
  !isGatewayError(event) && event.kind === FrameKinds.chunk;
