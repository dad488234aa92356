import { cutToBytes } from '@switchyard/bus';
import { RequestContent, type RequestRecord } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { EventHandler } from '../handlers/request-completed.js';
import { parseEvent } from '@switchyard/bus';

export type StoredContent = NonNullable<RequestRecord['content']>;

export interface RecordContentDeps {
  log: Logger;
  redact: (text: string) => string;
  /** `telemetry.request_log.max_content_bytes`: each text is cut to this after redaction. */
  maxBytes: number;
  store: (requestId: string, content: StoredContent) => void;
}

/**
 * A `request.content` event, redacted and cut to size, then stored for its request's record:
 * nothing of it is written or logged before redaction.
 */
export function createRecordContent({ log, redact, maxBytes, store }: RecordContentDeps): EventHandler {
  return (data) => {
    const e = parseEvent(RequestContent, 'request.content', data, log);
    if (e === undefined) return;
    const prompt = cutToBytes(redact(e.prompt), maxBytes);
    const answer = e.answer === undefined ? undefined : cutToBytes(redact(e.answer), maxBytes);
    const content: StoredContent = { prompt: prompt.text };
    if (answer !== undefined) content.answer = answer.text;
    if (e.truncated === true || prompt.cut || answer?.cut) content.truncated = true;
    store(e.request_id, content);
  };
}
