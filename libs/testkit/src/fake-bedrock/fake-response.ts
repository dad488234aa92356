import type { ServerResponse } from 'node:http';
import { constants, type Http2ServerResponse } from 'node:http2';

/**
 * What the fake's handlers write to: an HTTP/1.1 response (undici, the gateway's client) or an
 * HTTP/2 one (AWS's SDK talks HTTP/2 to Bedrock, and to any endpoint it is pointed at).
 */
export interface FakeResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Uint8Array, callback: () => void): boolean;
  end(): unknown;
  end(text: string): unknown;
}

export type AnyServerResponse = ServerResponse | Http2ServerResponse;

/** Cuts the answer off mid-way, as a dropped connection does: the socket, or the HTTP/2 stream. */
export function breakConnection(res: AnyServerResponse): void {
  if ('stream' in res) res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else res.socket?.destroy();
}
