import { z } from 'zod';

/**
 * Emitted once per request by whoever gave its final answer (the worker, a stage that refused
 * it, or the ingress for a request that never reached the bus). Consumed off the request path
 * by telemetry, and later by policy (usage), cache (store) and router (health).
 */
export const RequestCompleted = z.object({
  request_id: z.string(),
  op: z.string(),
  /** The alias the caller asked for. */
  model: z.string().optional(),
  key_id: z.string().optional(),
  team: z.string().optional(),
  provider: z.string().optional(),
  deployment: z.string().optional(),
  upstream_model: z.string().optional(),
  stream: z.boolean(),
  /** HTTP status the caller saw. */
  status: z.int(),
  error_code: z.string().optional(),
  /** Epoch milliseconds when the gateway received the request. */
  received_at: z.number(),
  duration_ms: z.number().min(0),
  /** Time to the first frame of the answer. */
  ttft_ms: z.number().min(0).optional(),
  /**
   * Tokens as OpenAI counts them: `prompt_tokens` counts every input token, including those read
   * from (`cached_tokens`) or written to (`cache_creation_tokens`) the provider's prompt cache.
   */
  usage: z
    .object({
      prompt_tokens: z.int().min(0),
      completion_tokens: z.int().min(0),
      total_tokens: z.int().min(0),
      cached_tokens: z.int().min(0).optional(),
      cache_creation_tokens: z.int().min(0).optional(),
    })
    .optional(),
  /** What the usage cost at the model's list (or configured) price; absent when the price is unknown. */
  cost_usd: z.number().min(0).optional(),
  attempt: z.int().min(1).optional(),
});
export type RequestCompleted = z.infer<typeof RequestCompleted>;
