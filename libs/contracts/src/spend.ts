import { z } from 'zod';

/** A spend query (`llm.v1.admin.spend.query`): one key or one team. */
export const SpendQuery = z
  .strictObject({ key_id: z.string().min(1).optional(), team: z.string().min(1).optional() })
  .refine((q) => (q.key_id === undefined) !== (q.team === undefined), {
    message: 'give exactly one of key_id or team',
  });
export type SpendQuery = z.infer<typeof SpendQuery>;

/** What a key or team spent in its current budget period (UTC), and what remains of its budget. */
export const SpendReport = z.object({
  key_id: z.string().optional(),
  team: z.string().optional(),
  period: z.enum(['daily', 'monthly', 'total']),
  /** `2025-01-31`, `2025-01` or `total`. */
  period_id: z.string(),
  /** ISO 8601; `null` for `total`. */
  resets_at: z.string().nullable(),
  spend_usd: z.number().min(0),
  /** `null` when there is no budget. */
  budget_usd: z.number().nullable(),
  remaining_usd: z.number().nullable(),
});
export type SpendReport = z.infer<typeof SpendReport>;
