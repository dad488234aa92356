import type { StageRequest } from '@switchyard/bus';
import type { Op } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import type { Identity } from '../domain/key-table.js';

/** Rate limits, concurrency and budgets: whether an authenticated request may go on now. */
export interface Admission {
  /**
   * Admits the request, or throws a `GatewayError` (429 over a limit or a budget). May stamp
   * headers on the request: what it reserved (reconciled when it completes) and `sy-answer-*`
   * headers for the caller (`x-ratelimit-*`).
   */
  admit(who: Identity, req: StageRequest, op: Op): void | Promise<void>;
  stop(): Promise<void>;
}

/** No limits yet: every authenticated request is admitted. */
export async function startAdmission(_deps: ServiceDeps): Promise<Admission> {
  return { admit: () => undefined, stop: async () => {} };
}
