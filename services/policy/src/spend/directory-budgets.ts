import { MASTER_KEY_ID } from '../domain/key-table.js';
import type { KeyDirectory } from '../keys/key-directory.js';
import type { BudgetLookup } from './spend-query.js';

/** Budgets as the key directory holds them now (config file and admin API alike). */
export function directoryBudgets(keys: Pick<KeyDirectory, 'key' | 'keys' | 'team'>): BudgetLookup {
  return (kind, id) => {
    if (kind === 'key') {
      if (id === MASTER_KEY_ID) return undefined;
      const key = keys.key(id);
      return key === undefined ? null : key.record.budget;
    }
    const team = keys.team(id);
    if (team !== undefined) return team.record.budget;
    // A team no entry declares still exists while a key names it: it has no budget.
    return keys.keys().some((k) => k.record.team === id) ? undefined : null;
  };
}
