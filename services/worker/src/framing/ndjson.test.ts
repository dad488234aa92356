import { describe, expect, it } from 'vitest';
import { readNdjsonEvents } from './ndjson.js';

const encoder = new TextEncoder();

async function read(parts: (string | Uint8Array)[]): Promise<string[][]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield typeof p === 'string' ? encoder.encode(p) : p;
  }
  const batches: string[][] = [];
  for await (const batch of readNdjsonEvents(body())) batches.push(batch.map((e) => e.data));
  return batches;
}

describe('readNdjsonEvents', () => {
  it('yields one event per line, batched per read', async () => {
    expect(await read(['{"a":1}\n{"b":2}\n', '{"c":3}\n'])).toEqual([['{"a":1}', '{"b":2}'], ['{"c":3}']]);
  });

  it('joins a line split across reads, however many', async () => {
    expect(await read(['{"mes', 'sage":', '"hi"}', '\n{"done":true}\n'])).toEqual([
      ['{"message":"hi"}', '{"done":true}'],
    ]);
  });

  it('keeps a multi-byte character split across reads whole', async () => {
    const bytes = encoder.encode('{"t":"héllo 👋"}\n');
    const cut = bytes.indexOf(0xf0) + 2; // inside the emoji's four bytes
    expect(await read([bytes.slice(0, 5), bytes.slice(5, cut), bytes.slice(cut)])).toEqual([
      ['{"t":"héllo 👋"}'],
    ]);
  });

  it('skips blank lines, strips CRLF, and keeps a last line without its newline', async () => {
    expect(await read(['{"a":1}\r\n\r\n\n', '  \n{"done":true}'])).toEqual([['{"a":1}'], ['{"done":true}']]);
  });

  it('yields nothing for an empty body', async () => {
    expect(await read([])).toEqual([]);
  });
});
