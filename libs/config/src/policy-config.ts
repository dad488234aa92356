import { z } from 'zod';

/** Identifiers of keys and teams: they appear in headers, metrics labels and Redis keys. */
export const PolicyId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'use lowercase letters, digits, ".", "-" and "_"');

/** Per-minute and in-flight limits, for a key or a team; a missing field is no limit. */
export const LimitsConfig = z.strictObject({
  /** Requests per minute. */
  rpm: z.int().min(1).optional(),
  /** Tokens per minute: the prompt (estimated with a tokenizer) plus `max_tokens`, reconciled with usage. */
  tpm: z.int().min(1).optional(),
  /** Requests in flight at once. */
  max_concurrency: z.int().min(1).optional(),
});
export type LimitsConfig = z.infer<typeof LimitsConfig>;

export const BudgetPeriod = z.enum(['daily', 'monthly', 'total']);
export type BudgetPeriod = z.infer<typeof BudgetPeriod>;

/** Spend allowed per period (UTC days and calendar months), from the cost of completed requests. */
export const BudgetConfig = z.strictObject({
  max_usd: z.number().positive(),
  period: BudgetPeriod.default('monthly'),
});
export type BudgetConfig = z.infer<typeof BudgetConfig>;

/** Free-form labels an operator attaches (owner, cost centre); never used for decisions. */
export const Metadata = z.record(z.string(), z.string()).default({});

export const KeyConfig = z
  .strictObject({
    /** Names the key in logs and metrics; never the secret. */
    id: PolicyId,
    /** The secret, usually `${ENV}`; hashed at load and never kept. */
    key: z.string().min(8).optional(),
    /** SHA-256 hex of the secret, for configs that must not hold it at all. */
    key_hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    team: PolicyId.optional(),
    /** Model globs the key may use (`*`, `gpt-4o*`, `openai/*`). */
    models: z.array(z.string().min(1)).default(['*']),
    limits: LimitsConfig.optional(),
    budget: BudgetConfig.optional(),
    /** ISO 8601 date-time after which the key is refused. */
    expires_at: z.iso.datetime({ offset: true }).optional(),
    metadata: Metadata,
  })
  .refine((k) => (k.key === undefined) !== (k.key_hash === undefined), {
    message: 'give exactly one of key or key_hash',
  });
export type KeyConfig = z.infer<typeof KeyConfig>;

/** A team's limits and budget are shared by all its keys, on top of each key's own. */
export const TeamConfig = z.strictObject({
  id: PolicyId,
  /** Model globs every key of the team is confined to, whatever the key itself allows. */
  models: z.array(z.string().min(1)).optional(),
  limits: LimitsConfig.optional(),
  budget: BudgetConfig.optional(),
  metadata: Metadata,
});
export type TeamConfig = z.infer<typeof TeamConfig>;

export const PolicyConfig = z.strictObject({
  /**
   * What happens to requests while Redis (limit and spend counters) is unreachable: `closed`
   * refuses them with 503, `open` lets them through unlimited. Either way it is logged and counted.
   */
  fail_mode: z.enum(['closed', 'open']).default('closed'),
  /**
   * HMAC secret policy signs admitted requests with; router and worker refuse requests without a
   * valid signature. Every service must have the same one. `npm start` generates one per run.
   */
  signing_secret: z.string().min(32).optional(),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;

export const RedisConfig = z.strictObject({
  /** `redis://[user:password@]host:port[/db]`; unset: in-memory stores (one process only). */
  url: z.string().optional(),
});
