import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { connectBus, createPresence, type Frame, type NatsConnection } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Headers, Ops, Subjects, type Op, type RequestCompleted } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import type { RunningService } from '@switchyard/runtime';
import { sendRequest, startNats } from '@switchyard/testkit';
import { startWorker, type WorkerOptions } from '../service.js';

export interface SendOptions {
  upstreamModel: string;
  stream?: boolean;
  /** Deadline, in ms from now. */
  deadlineInMs?: number;
  requestId?: string;
  /** `sy-op`; default chat completions. */
  op?: Op;
  /** The deployment's `max_concurrency`, as the router stamps it; default none. */
  maxConcurrency?: number;
}

export interface SentRequest {
  requestId: string;
  /** Every frame, once a terminal one arrived; rejects after `timeoutMs` without one. */
  frames: Promise<Frame[]>;
  /** Frames received so far, with the time each arrived. */
  received: { frame: Frame; at: number }[];
  sentAt: number;
}

export interface WorkerHarness {
  nc: NatsConnection;
  send(providerId: string, body: object | string, options: SendOptions, timeoutMs?: number): SentRequest;
  /** The `request.completed` event of a request, waiting for it when needed. */
  eventOf(requestId: string, timeoutMs?: number): Promise<RequestCompleted>;
  events: RequestCompleted[];
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

const decoder = new TextDecoder();
export const textOf = (frame: Frame): string => decoder.decode(frame.data);
export const jsonOf = (frame: Frame): Record<string, unknown> =>
  JSON.parse(textOf(frame)) as Record<string, unknown>;

/** Real NATS, a worker started on `configDoc`, and a requester that publishes as the router does. */
export async function startWorkerHarness(
  configDoc: object,
  options: WorkerOptions = {},
): Promise<WorkerHarness> {
  const nats = await startNats();
  const log = createLogger({ name: 'worker-test', level: 'silent' });
  const nc = await connectBus({ url: nats.url, name: 'worker-test', log });
  const presence = createPresence(nc);
  const worker: RunningService = await startWorker(
    { nc, presence, log, config: parseConfig(configDoc) },
    options,
  );

  const events: RequestCompleted[] = [];
  const waiting = new Map<string, (e: RequestCompleted) => void>();
  nc.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => {
      if (err) return;
      const event = msg.json<RequestCompleted>();
      events.push(event);
      waiting.get(event.request_id)?.(event);
    },
  });
  await nc.flush();

  let workerStopped = false;
  const stopWorker = async (): Promise<void> => {
    if (workerStopped) return;
    workerStopped = true;
    await worker.stop();
  };

  return {
    nc,
    events,
    send(providerId, body, opts, timeoutMs = 10_000) {
      const requestId = opts.requestId ?? `req-${randomUUID()}`;
      const received: SentRequest['received'] = [];
      const sentAt = Date.now();
      const headers: Record<string, string> = {
        [Headers.requestId]: requestId,
        [Headers.op]: opts.op ?? Ops.chatCompletions,
        [Headers.model]: `alias-${opts.upstreamModel}`,
        [Headers.stream]: String(opts.stream ?? false),
        [Headers.receivedAt]: String(sentAt),
        ...(opts.deadlineInMs === undefined
          ? {}
          : { [Headers.deadline]: String(sentAt + opts.deadlineInMs) }),
        [Headers.provider]: providerId,
        [Headers.deployment]: `${providerId}-deployment`,
        [Headers.upstreamModel]: opts.upstreamModel,
        ...(opts.maxConcurrency === undefined
          ? {}
          : { [Headers.deploymentMaxConcurrency]: String(opts.maxConcurrency) }),
        [Headers.attempt]: '1',
      };
      const data = typeof body === 'string' ? body : JSON.stringify(body);
      const frames = sendRequest(nc, Subjects.provider(providerId), data, headers, {
        timeoutMs,
        onFrame: (frame) => received.push({ frame, at: Date.now() }),
      });
      return { requestId, frames, received, sentAt };
    },
    eventOf(requestId, timeoutMs = 5_000) {
      const seen = events.find((e) => e.request_id === requestId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no request.completed event for ${requestId}`)),
          timeoutMs,
        );
        waiting.set(requestId, (e) => {
          clearTimeout(timer);
          waiting.delete(requestId);
          resolve(e);
        });
      });
    },
    stopWorker,
    async stop() {
      await stopWorker();
      await presence.stop();
      await nc.drain();
      await nats.stop();
    },
  };
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const chatBody = (text: string, extra: object = {}): object => ({
  model: 'alias-from-caller',
  messages: [{ role: 'user', content: text }],
  ...extra,
});
