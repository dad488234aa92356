import type { Frame, NatsConnection, Presence, Stage } from '@switchyard/bus';
import { startNats } from '../start-nats.js';
import { sendRequest } from './send-request.js';
import { startBusProcess } from './start-bus-process.js';
import {
  startRecordingStage,
  type RecordedMessage,
  type RecordingStageOptions,
} from './start-recording-stage.js';

export interface StageHarnessOptions {
  /** Connection name of the stage under test (`policy`, `router`, …). */
  name: string;
  /** Starts the stage under test on its own connection and presence. */
  start(bus: { nc: NatsConnection; presence: Presence }): Promise<{ stop(): Promise<void> }>;
  /** The stages it forwards to, faked: each records what it receives and answers. */
  downstream: RecordingStageOptions[];
}

export interface StageHarness {
  /** The presence of the stage under test: what it knows of the stages around it. */
  presence: Presence;
  /** The fake downstream stages, in the order given; stop one to test a missing stage. */
  downstream: Stage[];
  /** What the fake downstream stages received, oldest first, across all of them. */
  received: RecordedMessage[];
  /**
   * Publishes from the test's own connection, as the stage before it would, and resolves with the
   * terminal frame of the reply.
   */
  send(subject: string, body: string, headers?: Record<string, string>): Promise<Frame>;
  /** Stops the stage under test, then everything else it started. */
  stop(): Promise<void>;
}

/**
 * A stage service (policy, cache, router) between a requester and fake downstream stages, over a
 * real NATS. The stage under test and the test's side are separate connections with separate
 * presences, as separate processes are in production.
 */
export async function startStageHarness({
  name,
  start,
  downstream,
}: StageHarnessOptions): Promise<StageHarness> {
  /** What to stop, last started first. */
  const started: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of started.splice(0).reverse()) await stopOne();
  };
  try {
    const nats = await startNats();
    started.push(nats.stop);
    const stageBus = await startBusProcess(nats.url, name);
    started.push(stageBus.stop);
    const testBus = await startBusProcess(nats.url, 'test');
    started.push(testBus.stop);
    const received: RecordedMessage[] = [];
    const fakes = await Promise.all(
      downstream.map((options) => startRecordingStage(testBus, options, received)),
    );
    started.push(async () => void (await Promise.all(fakes.map((fake) => fake.stop(0)))));
    const stage = await start(stageBus);
    started.push(() => stage.stop());
    return {
      presence: stageBus.presence,
      downstream: fakes,
      received,
      send: async (subject, body, headers = {}) =>
        (await sendRequest(testBus.nc, subject, body, headers)).at(-1)!,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
