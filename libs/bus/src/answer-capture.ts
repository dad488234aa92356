import { Headers, Subjects } from '@switchyard/contracts';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { ReplyResult, UsageSummary } from './replier.js';
import { natsHeaders } from './headers.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Keeps what a replier sends for a request the cache asked to store, and sends it there at the end. */
export interface AnswerCapture {
  chunk(data: Uint8Array): void;
  response(data: Uint8Array, result: ReplyResult): void;
  done(result: ReplyResult): void;
  /** The answer was an error: nothing is stored, and requests waiting on this one stop waiting. */
  failed(): void;
}

type Json = Record<string, unknown>;
interface ToolCall {
  id?: string;
  type: string;
  function: { name: string; arguments: string };
}
interface Choice {
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, ToolCall>;
  finishReason: string | null;
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `chat.completion` from the chunks of a stream: content, refusals, tool calls, finish reasons, usage. */
export class StreamAssembler {
  private head: Json = {};
  private readonly choices = new Map<number, Choice>();
  private usage: unknown;

  add(chunk: Json): void {
    for (const k of ['id', 'created', 'model', 'system_fingerprint', 'service_tier'] as const) {
      if (chunk[k] !== undefined && chunk[k] !== null) this.head[k] = chunk[k];
    }
    if (isRecord(chunk.usage)) this.usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const c of chunk.choices as unknown[]) {
      if (!isRecord(c)) continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      let choice = this.choices.get(index);
      if (choice === undefined) {
        choice = { content: null, refusal: null, toolCalls: new Map(), finishReason: null };
        this.choices.set(index, choice);
      }
      if (typeof c.finish_reason === 'string') choice.finishReason = c.finish_reason;
      const delta = isRecord(c.delta) ? c.delta : {};
      if (typeof delta.content === 'string') choice.content = (choice.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') choice.refusal = (choice.refusal ?? '') + delta.refusal;
      if (Array.isArray(delta.tool_calls)) {
        for (const t of delta.tool_calls as unknown[]) {
          if (!isRecord(t)) continue;
          const at = typeof t.index === 'number' ? t.index : 0;
          const call = choice.toolCalls.get(at) ?? {
            type: 'function',
            function: { name: '', arguments: '' },
          };
          if (typeof t.id === 'string') call.id = t.id;
          if (typeof t.type === 'string') call.type = t.type;
          const fn = isRecord(t.function) ? t.function : {};
          if (typeof fn.name === 'string') call.function.name += fn.name;
          if (typeof fn.arguments === 'string') call.function.arguments += fn.arguments;
          choice.toolCalls.set(at, call);
        }
      }
    }
  }

  /** The whole answer; `usage` fills in when the stream carried none (the caller did not ask for it). */
  completion(usage: UsageSummary | undefined): Json {
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => {
        const message: Json = { role: 'assistant', content: c.content, refusal: c.refusal };
        if (c.toolCalls.size > 0)
          message.tool_calls = [...c.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
        return { index, message, logprobs: null, finish_reason: c.finishReason ?? 'stop' };
      });
    const answer: Json = { ...this.head, object: 'chat.completion', choices };
    const u = this.usage ?? (usage && toOpenAIUsage(usage));
    if (u !== undefined) answer.usage = u;
    return answer;
  }
}

function toOpenAIUsage(u: UsageSummary): Json {
  const usage: Json = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens,
  };
  if (u.cached_tokens !== undefined) usage.prompt_tokens_details = { cached_tokens: u.cached_tokens };
  return usage;
}

/**
 * Says nothing will be stored under `key` (the answer failed, or its request went another way):
 * one cache replica frees the key's coalescing lock, and every replica wakes the requests waiting
 * on it at once. Store messages without a TTL are ignored, so one is always sent.
 */
export function abandonCacheKey(nc: NatsConnection, key: string, ttlMs: number | string): void {
  if (nc.isClosed()) return;
  const h = natsHeaders();
  h.set(Headers.cacheKey, key);
  h.set(Headers.cacheTtlMs, String(ttlMs));
  h.set(Headers.cacheOutcome, 'failed');
  nc.publish(Subjects.cacheStore, new Uint8Array(0), { headers: h });
}

/**
 * Capture for a request stamped with `sy-cache-key` (undefined otherwise): keeps the answer while
 * it stays under `sy-cache-max-bytes` (past it, drops what it kept and stores nothing), and on a
 * successful end publishes the whole chat.completion to `Subjects.cacheStore`, off the requester's
 * path: the requester already has its answer.
 */
export function createAnswerCapture(
  nc: NatsConnection,
  request: MsgHdrs | undefined,
): AnswerCapture | undefined {
  const key = request?.get(Headers.cacheKey);
  if (!key) return undefined;
  const ttlMs = request!.get(Headers.cacheTtlMs);
  const maxBytes = Number(request!.get(Headers.cacheMaxBytes)) || Infinity;
  let kept = 0;
  let assembler: StreamAssembler | undefined = new StreamAssembler();

  const publish = (body: Uint8Array, set: (h: MsgHdrs) => void): void => {
    if (nc.isClosed()) return;
    const h = natsHeaders();
    h.set(Headers.cacheKey, key);
    if (ttlMs) h.set(Headers.cacheTtlMs, ttlMs);
    set(h);
    nc.publish(Subjects.cacheStore, body, { headers: h });
  };
  const store = (body: Uint8Array, result: ReplyResult): void => {
    const fits = body.byteLength <= maxBytes && body.byteLength <= (nc.info?.max_payload ?? Infinity);
    if (!fits) return capture.failed();
    publish(body, (h) => {
      if (result.cost !== undefined) h.set(Headers.cacheCost, String(result.cost));
    });
  };

  const capture: AnswerCapture = {
    chunk(data) {
      if (assembler === undefined) return;
      kept += data.byteLength;
      if (kept > maxBytes) {
        assembler = undefined;
        return;
      }
      try {
        const chunk: unknown = JSON.parse(decoder.decode(data));
        if (isRecord(chunk)) assembler.add(chunk);
      } catch {
        assembler = undefined; // not a chunk we can read: nothing trustworthy to store
      }
    },
    response(data, result) {
      store(data, result);
    },
    done(result) {
      if (assembler === undefined) return capture.failed();
      store(encoder.encode(JSON.stringify(assembler.completion(result.usage))), result);
    },
    failed() {
      abandonCacheKey(nc, key, ttlMs);
    },
  };
  return capture;
}
