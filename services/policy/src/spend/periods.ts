import type { BudgetPeriod } from '@switchyard/config';

/** One budget period as counters name it: `2025-01-31` (a UTC day), `2025-01` (a UTC month), `total`. */
export interface Period {
  id: string;
  /** When the next period starts, epoch ms; never for `total`. */
  resetsAt?: number;
}

/** Every period spend is counted in, whatever budget a key has now: a budget may change period later. */
export const SPEND_PERIODS: readonly BudgetPeriod[] = ['daily', 'monthly', 'total'];

/** How long each period's counter outlives its period, so yesterday's spend can still be read. */
export const SPEND_RETENTION_MS: Readonly<Record<BudgetPeriod, number | undefined>> = {
  daily: 2 * 86_400_000,
  monthly: 62 * 86_400_000,
  total: undefined,
};

/** The period (UTC) that `at` falls in. */
export function periodOf(period: BudgetPeriod, at: number): Period {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const mm = String(month + 1).padStart(2, '0');
  switch (period) {
    case 'daily':
      return {
        id: `${year}-${mm}-${String(d.getUTCDate()).padStart(2, '0')}`,
        resetsAt: Date.UTC(year, month, d.getUTCDate() + 1),
      };
    case 'monthly':
      return { id: `${year}-${mm}`, resetsAt: Date.UTC(year, month + 1, 1) };
    case 'total':
      return { id: 'total' };
  }
}
