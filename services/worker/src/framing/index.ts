import type { StreamFraming, UpstreamEvent } from '../providers/types.js';
import { readSseEvents } from './sse.js';
import { readAwsEventStream } from './aws-eventstream.js';
import { readNdjsonEvents } from './ndjson.js';

/** Each stream framing a provider may use → its reader. Add a framing here and in `StreamFraming`. */
const READERS: {
  readonly [F in StreamFraming]: (body: AsyncIterable<Uint8Array>) => AsyncGenerator<UpstreamEvent[]>;
} = {
  sse: readSseEvents,
  'aws-eventstream': readAwsEventStream,
  ndjson: readNdjsonEvents,
};

/** The upstream body as batches of events, one batch per network read. */
export const readUpstreamEvents = (
  body: AsyncIterable<Uint8Array>,
  framing: StreamFraming,
): AsyncGenerator<UpstreamEvent[]> => READERS[framing](body);
