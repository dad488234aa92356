import { createReplyInbox, natsHeaders, type Frame, type NatsConnection } from '@switchyard/bus';
import { isGatewayError, isTerminalFrame } from '@switchyard/contracts';

export interface SendRequestOptions {
  /** How long to wait for the terminal frame. */
  timeoutMs?: number;
  /** Sees each frame as it arrives, before the request ends (to time a stream, say). */
  onFrame?: (frame: Frame) => void;
}

/**
 * Publishes like a requester (the ingress, a stage, a batch job) and resolves with every reply
 * frame up to and including the terminal one (`response`, `done` or `error`). Rejects with the
 * `GatewayError` the reply inbox reports (nobody consumes `subject`: `unavailable`), or when no
 * terminal frame arrived in time. A request the test never awaits does not fail the run.
 */
export function sendRequest(
  nc: NatsConnection,
  subject: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  { timeoutMs = 5_000, onFrame }: SendRequestOptions = {},
): Promise<Frame[]> {
  const inbox = createReplyInbox(nc);
  const frames: Frame[] = [];
  const answered = new Promise<Frame[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      inbox.stop();
      const got = frames.map((f) => f.kind).join(',') || 'none';
      reject(new Error(`no terminal frame for ${subject} within ${timeoutMs} ms (frames: ${got})`));
    }, timeoutMs);
    const reply = inbox.open((frame) => {
      if (isGatewayError(frame)) {
        clearTimeout(timer);
        inbox.stop();
        reject(frame);
        return;
      }
      frames.push(frame);
      onFrame?.(frame);
      if (isTerminalFrame(frame.kind)) {
        clearTimeout(timer);
        inbox.stop();
        resolve(frames);
      }
    });
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    // The inbox's SUB and this PUB go out in order on one connection: no reply can be missed.
    nc.publish(subject, body, { reply: reply.subject, headers: h });
  });
  answered.catch(() => undefined);
  return answered;
}
