import type { JetStreamManager } from '@nats-io/jetstream';
import { natsHeaders, type NatsConnection } from '@switchyard/bus';
import {
  BATCH_ANSWERS_STREAM,
  CallerHeaders,
  Headers,
  Ops,
  Subjects,
  type BatchEndpoint,
} from '@switchyard/contracts';
import { readAnswer, type Answer } from './answer-frame.js';

const OP_OF_ENDPOINT = {
  '/v1/chat/completions': Ops.chatCompletions,
  '/v1/embeddings': Ops.embeddings,
} as const satisfies Record<BatchEndpoint, string>;

/** How long past a line's deadline its answer is awaited (the pipeline answers a timeout itself). */
const ANSWER_GRACE_MS = 2_000;

export interface PipelineRequest {
  batchId: string;
  line: number;
  endpoint: BatchEndpoint;
  body: unknown;
  authorization: string | undefined;
  requestId: string;
}

export interface PipelineSender {
  /** Sends a line through the pipeline; resolves with its answer, or undefined if none came in time. */
  send(request: PipelineRequest): Promise<Answer | undefined>;
  /** The answer a line was last sent, kept by the answers stream: found after a processor restart. */
  keptAnswer(batchId: string, line: number): Promise<Answer | undefined>;
  stop(): void;
}

/**
 * Sends lines to the public entry subject, as any NATS client does (policy authenticates each
 * with the batch owner's key), with a reply subject per line that the answers stream captures:
 * an answer sent while this processor is dead is kept, not lost, so the line is not sent again.
 */
export function createPipelineSender(
  nc: NatsConnection,
  jsm: JetStreamManager,
  timeoutMs: number,
): PipelineSender {
  const waiting = new Map<string, (answer: Answer) => void>();
  const sub = nc.subscribe(Subjects.batch.answersAll, {
    callback: (err, msg) => {
      if (err) return;
      const answer = readAnswer(msg.headers, msg.data);
      if (answer !== undefined) waiting.get(msg.subject)?.(answer);
    },
  });
  return {
    send(request) {
      const reply = Subjects.batch.answer(request.batchId, request.line);
      const h = natsHeaders();
      if (request.authorization !== undefined) h.set(Headers.authorization, request.authorization);
      h.set(CallerHeaders.requestId, request.requestId);
      h.set(CallerHeaders.timeoutMs, String(timeoutMs));
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(undefined), timeoutMs + ANSWER_GRACE_MS);
        const done = (answer: Answer | undefined) => {
          clearTimeout(timer);
          waiting.delete(reply);
          resolve(answer);
        };
        waiting.set(reply, done);
        nc.publish(Subjects.entry(OP_OF_ENDPOINT[request.endpoint]), JSON.stringify(request.body), {
          reply,
          headers: h,
        });
      });
    },
    async keptAnswer(batchId, line) {
      try {
        const kept = await jsm.streams.getMessage(BATCH_ANSWERS_STREAM, {
          last_by_subj: Subjects.batch.answer(batchId, line),
        });
        return kept === null ? undefined : readAnswer(kept.header, kept.data);
      } catch (err) {
        if (/no message found|not found/i.test((err as Error).message)) return undefined;
        throw err;
      }
    },
    stop() {
      sub.unsubscribe();
      waiting.clear();
    },
  };
}
