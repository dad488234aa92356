import { createHash } from 'node:crypto';
import type { BudgetConfig, LimitsConfig, SwitchyardConfig } from '@switchyard/config';
import { compileGlobs, type GlobMatcher } from '@switchyard/contracts';

/** Who a request acts as, once its key is known. Never holds the secret. */
export interface Identity {
  keyId: string;
  team: string | undefined;
  /** The key's model globs joined by `,`, as the `sy-allowed-models` header carries them. */
  allowedModels: string;
  allows: GlobMatcher;
  /** The key's own limits and budget; undefined: none. */
  limits?: LimitsConfig | undefined;
  budget?: BudgetConfig | undefined;
  /** The team's, shared by every key of the team. */
  teamLimits?: LimitsConfig | undefined;
  teamBudget?: BudgetConfig | undefined;
}

/** The id the master key goes by in headers, logs and metrics. */
export const MASTER_KEY_ID = 'master';

/** SHA-256 hex of a secret: the form keys are compared in, and `key_hash` is written in. */
export const hashKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

const identity = (keyId: string, team: string | undefined, models: readonly string[]): Identity => ({
  keyId,
  team,
  allowedModels: models.join(','),
  allows: compileGlobs(models),
});

/**
 * Hash → identity, built once at start so authenticating costs one hash and one map lookup.
 * Secrets are hashed here and not kept. The master key is added last, so it wins should a key
 * share its secret.
 */
export function buildKeyTable(
  config: Pick<SwitchyardConfig, 'keys' | 'master_key'>,
): ReadonlyMap<string, Identity> {
  const table = new Map<string, Identity>();
  for (const key of config.keys) {
    const hash = key.key_hash ?? hashKey(key.key!);
    table.set(hash, identity(key.id, key.team, key.models));
  }
  if (config.master_key !== undefined)
    table.set(hashKey(config.master_key), identity(MASTER_KEY_ID, undefined, ['*']));
  return table;
}
