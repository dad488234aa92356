import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../fake-openai/http-io.js';
import { parseJson } from './parse-json.js';

/** A request as a fake records it for the test to inspect. */
export interface RecordedFakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
}

export interface FakeRequest {
  /** Aborted when the response closes: the client left or the server stopped. */
  signal: AbortSignal;
  /** The URL's path, without the query. */
  path: string;
  parsed: ReturnType<typeof parseJson>;
  recorded: RecordedFakeRequest;
}

/** Reads a request's path and whole body, as every fake does before it answers. */
export async function readFakeRequest(req: IncomingMessage, res: ServerResponse): Promise<FakeRequest> {
  const aborter = new AbortController();
  res.once('close', () => aborter.abort());
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  const raw = await readBody(req);
  const parsed = parseJson(raw);
  const body = parsed.ok ? parsed.value : raw || undefined;
  return {
    signal: aborter.signal,
    path,
    parsed,
    recorded: { method: req.method ?? '', path, headers: req.headers, body },
  };
}
