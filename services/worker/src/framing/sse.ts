import { createParser } from 'eventsource-parser';
import type { UpstreamEvent } from '../providers/types.js';

/** Server-sent events, as most providers stream: one batch of events per network read. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<UpstreamEvent[]> {
  const decoder = new TextDecoder();
  let batch: UpstreamEvent[] = [];
  const parser = createParser({ onEvent: (e) => batch.push({ event: e.event, data: e.data }) });
  for await (const part of body) {
    parser.feed(decoder.decode(part, { stream: true }));
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
}
