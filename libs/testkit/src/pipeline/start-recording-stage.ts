import { startStage, type NatsConnection, type Presence, type Stage } from '@switchyard/bus';
import { silentLog } from './silent-log.js';

/** One message a recording stage received, as the stage before it forwarded it. */
export interface RecordedMessage {
  subject: string;
  /** The body, read as UTF-8. */
  body: string;
  /** Each header's first value, under the name it was sent with. */
  headers: Record<string, string>;
}

export interface RecordingStageOptions {
  /** Presence name of the stage it stands in for (`cache`, `provider.openai`, …). */
  name: string;
  subject: string;
  /** Body of the response frame it answers every message with. */
  respondWith?: string;
}

/**
 * A fake next stage: consumes `subject` and announces `name` like a real stage (so the stage
 * under test sees it alive), appends what it was forwarded to `received` (one list may serve
 * several stages, keeping the order across them), and answers the original requester with a
 * response frame so the request ends.
 */
export async function startRecordingStage(
  bus: { nc: NatsConnection; presence: Presence },
  { name, subject, respondWith = '{"ok":true}' }: RecordingStageOptions,
  received: RecordedMessage[],
): Promise<Stage> {
  const answer = new TextEncoder().encode(respondWith);
  return startStage({
    nc: bus.nc,
    presence: bus.presence,
    log: silentLog,
    name,
    queue: `fake-${name}`,
    subjects: [subject],
    handle: (req) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) headers[k] = v[0] ?? '';
      received.push({ subject: req.subject, body: Buffer.from(req.data).toString('utf8'), headers });
      req.reply.response(answer);
      return undefined;
    },
  });
}
