import type { AdminEndpoint } from '@switchyard/bus';
import type { BudgetConfig } from '@switchyard/config';
import { GatewayError, QueueGroups, SpendQuery, Subjects, type SpendReport } from '@switchyard/contracts';
import type { LimitStore } from '../admission/limit-store.js';
import { periodOf } from './periods.js';

/** A key's or team's budget: `undefined` when it has none, `null` when there is no such key or team. */
export type BudgetLookup = (kind: 'key' | 'team', id: string) => BudgetConfig | undefined | null;

/** Without a budget, spend is shown for the default budget period. */
const DEFAULT_PERIOD: BudgetConfig['period'] = 'monthly';

const usd = (x: number): number => Math.round(x * 1e9) / 1e9;

/**
 * `llm.v1.admin.spend.query`: the current period's spend of a key or team, its budget and what
 * remains of it (`null` without a budget).
 */
export function spendQueryEndpoint(deps: {
  store: Pick<LimitStore, 'spend'>;
  budgetOf: BudgetLookup;
  clock?: () => number;
}): AdminEndpoint<typeof SpendQuery> {
  const { store, budgetOf, clock = Date.now } = deps;
  return {
    subject: Subjects.admin.spendQuery,
    queue: QueueGroups.policy,
    schema: SpendQuery,
    async handle(query) {
      const [kind, id] =
        query.key_id === undefined ? (['team', query.team!] as const) : (['key', query.key_id] as const);
      const budget = budgetOf(kind, id);
      if (budget === null) throw new GatewayError('not_found', `No ${kind} has the id '${id}'.`);
      const period = periodOf(budget?.period ?? DEFAULT_PERIOD, clock());
      const spent = await store.spend(`${kind}:${id}`, period.id);
      const body: SpendReport = {
        ...(kind === 'key' ? { key_id: id } : { team: id }),
        period: budget?.period ?? DEFAULT_PERIOD,
        period_id: period.id,
        resets_at: period.resetsAt === undefined ? null : new Date(period.resetsAt).toISOString(),
        spend_usd: usd(spent),
        budget_usd: budget?.max_usd ?? null,
        remaining_usd: budget === undefined ? null : usd(Math.max(0, budget.max_usd - spent)),
      };
      return { body };
    },
  };
}
