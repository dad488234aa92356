import type { UsageSummary } from '@switchyard/bus';
import type { GatewayError } from '@switchyard/contracts';
import { readUpstreamEvents } from '../framing/index.js';
import type { HttpProtocol, ProviderCall } from '../providers/types.js';

export interface ReplayedStream {
  /** The OpenAI chunks the caller would get, parsed. */
  chunks: Record<string, unknown>[];
  /** The last usage the translator reported (what the completion event meters). */
  usage: UsageSummary | undefined;
  /** How the translator ended the stream: `done`, an error, or not at all. */
  end: { kind: 'done' } | { kind: 'error'; error: GatewayError } | { kind: 'none' };
}

/**
 * Feeds recorded upstream bytes through a protocol's framing and stream translator, as the
 * executor does, in reads of `readSize` bytes (events then straddle reads, as on a network).
 */
export async function replayStream(
  protocol: HttpProtocol,
  call: ProviderCall,
  bytes: Uint8Array,
  readSize = 7,
): Promise<ReplayedStream> {
  async function* reads(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += readSize) yield bytes.slice(i, i + readSize);
  }
  const translate = protocol.streamTranslator(call);
  const chunks: Record<string, unknown>[] = [];
  let usage: UsageSummary | undefined;
  for await (const batch of readUpstreamEvents(reads(), protocol.streamFraming ?? 'sse')) {
    for (const event of batch) {
      for (const e of translate(event)) {
        if (e.kind === 'chunk') {
          if (e.usage) usage = e.usage;
          if (e.forward) chunks.push(JSON.parse(e.data) as Record<string, unknown>);
        } else {
          return { chunks, usage, end: e };
        }
      }
    }
  }
  return { chunks, usage, end: { kind: 'none' } };
}

/** A call as the handler builds it, for adapter unit tests. */
export const testCall = (
  body: Record<string, unknown>,
  overrides: Partial<ProviderCall> = {},
): ProviderCall => ({
  providerId: 'acme',
  upstreamModel: 'upstream-model',
  stream: body['stream'] === true,
  includeUsage: false,
  body,
  signal: new AbortController().signal,
  ...overrides,
});
