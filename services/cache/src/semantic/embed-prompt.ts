import { decodeFrame, natsHeaders, type NatsConnection } from '@switchyard/bus';
import { FrameKinds, Headers, Ops, Subjects } from '@switchyard/contracts';

const decoder = new TextDecoder();

export interface EmbedRequest {
  text: string;
  /** The embedding alias (`cache.semantic.embedding_model`). */
  model: string;
  /** The cached request's id: the embedding call is `<id>:cache-embed` in logs. */
  requestId: string;
  /** Epoch milliseconds: the embedding call never outlives the request it serves. */
  deadline: number;
}

export type EmbedPrompt = (req: EmbedRequest) => Promise<Float32Array | undefined>;

/**
 * Embeds a prompt through the gateway's own embeddings route, entering like the ingress does with
 * the master key: policy authenticates it, limits and accounts it, and the router picks the
 * deployment, so the call gets every guarantee a caller's request gets and no stage is bypassed.
 * Resolves undefined when the call fails: the request is then a plain miss.
 */
export function createEmbedPrompt(nc: NatsConnection, masterKey: string): EmbedPrompt {
  return async ({ text, model, requestId, deadline }) => {
    const timeout = deadline - Date.now();
    if (text === '' || timeout <= 0) return undefined;
    const h = natsHeaders();
    h.set(Headers.requestId, `${requestId}:cache-embed`);
    h.set(Headers.op, Ops.embeddings);
    h.set(Headers.model, model);
    h.set(Headers.stream, 'false');
    h.set(Headers.receivedAt, String(Date.now()));
    h.set(Headers.deadline, String(deadline));
    h.set(Headers.authorization, `Bearer ${masterKey}`);
    try {
      const msg = await nc.request(
        Subjects.validatedEntry(Ops.embeddings),
        JSON.stringify({ model, input: text, encoding_format: 'float' }),
        { headers: h, timeout },
      );
      const frame = decodeFrame(msg);
      if (!('kind' in frame) || frame.kind !== FrameKinds.response) return undefined;
      const answer = JSON.parse(decoder.decode(frame.data)) as { data?: Array<{ embedding?: unknown }> };
      const embedding = answer.data?.[0]?.embedding;
      return Array.isArray(embedding) ? Float32Array.from(embedding as number[]) : undefined;
    } catch {
      return undefined;
    }
  };
}
