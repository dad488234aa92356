import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEvent } from './parse-event.js';

const Done = z.object({ request_id: z.string(), status: z.number() });
const Loose = z.object({ request_id: z.string() });
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function recordingLog(): { warnings: [object, string | undefined][]; log: Parameters<typeof parseEvent>[3] } {
  const warnings: [object, string | undefined][] = [];
  const ignore = (): void => undefined;
  return { warnings, log: { info: ignore, error: ignore, warn: (obj, msg) => warnings.push([obj, msg]) } };
}

describe('parseEvent', () => {
  it('reads an event once for every subscriber handed the same bytes', () => {
    const data = bytes({ request_id: 'r-1', status: 200 });
    const first = parseEvent(Done, 'request.completed', data);
    expect(first).toEqual({ request_id: 'r-1', status: 200 });
    expect(parseEvent(Done, 'request.completed', data)).toBe(first);
    // Other bytes, or another schema for the same bytes, are read on their own.
    expect(parseEvent(Done, 'request.completed', bytes({ request_id: 'r-1', status: 200 }))).not.toBe(first);
    expect(parseEvent(Loose, 'request.completed', data)).toEqual({ request_id: 'r-1' });
  });

  it('drops bytes that are not JSON, with one warning', () => {
    const { warnings, log } = recordingLog();
    const data = new TextEncoder().encode('{not json');
    expect(parseEvent(Done, 'request.completed', data, log)).toBeUndefined();
    expect(parseEvent(Done, 'request.completed', data, log)).toBeUndefined();
    expect(warnings).toEqual([[{ bytes: 9 }, 'dropped a request.completed event that is not JSON']]);
  });

  it('drops an event its schema refuses, saying where', () => {
    const { warnings, log } = recordingLog();
    expect(
      parseEvent(Done, 'request.completed', bytes({ request_id: 'r-2', status: 'ok' }), log),
    ).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toMatchObject({ path: 'status' });
    expect(warnings[0]![1]).toBe('dropped a malformed request.completed event');
  });
});
