import { BudgetConfig, LimitsConfig, PolicyId } from '@switchyard/config';
import { z } from 'zod';

const Models = z.array(z.string().min(1)).min(1);
const ExpiresAt = z.iso.datetime({ offset: true });
const Metadata = z.record(z.string(), z.string());

/** A key as stored in the `switchyard_keys` bucket under `key.<id>`: the hash, never the secret. */
export const KeyRecord = z.object({
  id: PolicyId,
  key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  team: PolicyId.optional(),
  models: Models,
  limits: LimitsConfig.optional(),
  budget: BudgetConfig.optional(),
  expires_at: ExpiresAt.optional(),
  metadata: Metadata.default({}),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** A team as stored under `team.<id>`. */
export const TeamRecord = z.object({
  id: PolicyId,
  models: Models.optional(),
  limits: LimitsConfig.optional(),
  budget: BudgetConfig.optional(),
  metadata: Metadata.default({}),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type TeamRecord = z.infer<typeof TeamRecord>;

/** Where an entry comes from: the config file (read-only through the API) or the admin API. */
export type Source = 'config' | 'api';

// Admin API bodies. On update a field left out is kept; `null` removes it.

export const CreateKey = z.strictObject({
  /** Generated (`key-<hex>`) when not given. */
  id: PolicyId.optional(),
  team: PolicyId.optional(),
  models: Models.default(['*']),
  limits: LimitsConfig.optional(),
  budget: BudgetConfig.optional(),
  expires_at: ExpiresAt.optional(),
  metadata: Metadata.default({}),
});

export const UpdateKey = z.strictObject({
  id: z.string().min(1),
  team: PolicyId.nullable().optional(),
  models: Models.optional(),
  limits: LimitsConfig.nullable().optional(),
  budget: BudgetConfig.nullable().optional(),
  expires_at: ExpiresAt.nullable().optional(),
  metadata: Metadata.optional(),
});
export type UpdateKey = z.infer<typeof UpdateKey>;

export const CreateTeam = z.strictObject({
  id: PolicyId,
  models: Models.optional(),
  limits: LimitsConfig.optional(),
  budget: BudgetConfig.optional(),
  metadata: Metadata.default({}),
});

export const UpdateTeam = z.strictObject({
  id: z.string().min(1),
  models: Models.nullable().optional(),
  limits: LimitsConfig.nullable().optional(),
  budget: BudgetConfig.nullable().optional(),
  metadata: Metadata.optional(),
});
export type UpdateTeam = z.infer<typeof UpdateTeam>;

export const ById = z.strictObject({ id: z.string().min(1) });
export const ListKeys = z.strictObject({ team: z.string().min(1).optional() });
export const ListTeams = z.strictObject({});

/** A key as the admin API shows it: never its hash or secret. */
export function toKeyView(record: KeyRecord, source: Source): Record<string, unknown> {
  const { key_hash: _hash, ...shown } = record;
  return { object: 'key', ...shown, source };
}

export function toTeamView(record: TeamRecord, source: Source): Record<string, unknown> {
  return { object: 'team', ...record, source };
}

/**
 * Applies an update body: fields left out are kept, `null` removes one. The id is not changed.
 */
export function applyPatch<R extends { id: string }>(record: R, patch: { id: string } & object): R {
  const next: Record<string, unknown> = { ...record };
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'id' || value === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as R;
}
