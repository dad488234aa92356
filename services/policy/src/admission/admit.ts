import type { StageRequest } from '@switchyard/bus';
import type { StoreAlarm } from '@switchyard/bus';
import type { BudgetConfig, LimitsConfig, PolicyConfig } from '@switchyard/config';
import { GatewayError, Headers, type Op } from '@switchyard/contracts';
import type { Identity } from '../domain/key-table.js';
import { periodOf } from '../spend/periods.js';
import { estimateTokens, tokensToReserve, type CountTokens } from './estimate-tokens.js';
import type { AdmitResult, LimitStore, ScopeLimits } from './limit-store.js';
import { setRateLimitHeaders, type ReportedLimit } from './rate-limit-headers.js';
import { refusalError, tooLargeError } from './refusals.js';

export interface AdmitDeps {
  store: LimitStore;
  alarm: StoreAlarm;
  failMode: PolicyConfig['fail_mode'];
  /** The tokenizer, loaded on first use: only keys with a tokens-per-minute limit need it. */
  tokenizer: () => Promise<CountTokens>;
  /** The request's body, fetched when it travelled by claim check (only a token estimate needs it). */
  bodyOf: (req: StageRequest) => Promise<Uint8Array>;
  clock?: () => number;
}

export type Admit = (who: Identity, req: StageRequest, op: Op) => Promise<void>;

/** A request whose deadline is unknown holds its slot at most this long if its completion is lost. */
const SLOT_FALLBACK_MS = 10 * 60_000;

const decoder = new TextDecoder();

interface Scope extends ScopeLimits {
  period?: BudgetConfig['period'];
  resetsAt?: number | undefined;
}

function scopeOf(
  scope: string,
  limits: LimitsConfig | undefined,
  budget: BudgetConfig | undefined,
  now: number,
): Scope | undefined {
  if (
    limits?.rpm === undefined &&
    limits?.tpm === undefined &&
    limits?.max_concurrency === undefined &&
    !budget
  )
    return undefined;
  const period = budget && periodOf(budget.period, now);
  return {
    scope,
    rpm: limits?.rpm,
    tpm: limits?.tpm,
    maxConcurrency: limits?.max_concurrency,
    ...(budget && period && { budget: { maxUsd: budget.max_usd, periodId: period.id } }),
    ...(budget && { period: budget.period, resetsAt: period?.resetsAt }),
  };
}

/** The key's own limits, then its team's, shared by every key of the team. */
export function scopesOf(who: Identity, now: number): Scope[] {
  const scopes = [scopeOf(`key:${who.keyId}`, who.limits, who.budget, now)];
  if (who.team !== undefined) scopes.push(scopeOf(`team:${who.team}`, who.teamLimits, who.teamBudget, now));
  return scopes.filter((s) => s !== undefined);
}

/** Of the scopes with a limit of this kind, the one with the least left: what the caller is told. */
function binding(scopes: readonly Scope[], result: AdmitResult, kind: 'requests' | 'tokens') {
  let reported: ReportedLimit | undefined;
  scopes.forEach((scope, i) => {
    const state = result.scopes[i]?.[kind];
    const limit = kind === 'requests' ? scope.rpm : scope.tpm;
    if (
      state &&
      limit !== undefined &&
      (reported === undefined || state.remaining < reported.state.remaining)
    )
      reported = { limit, state };
  });
  return reported;
}

/**
 * Admission of one authenticated request: one store call checks and reserves every limit and
 * budget of the key and its team. Keys with none cost nothing. Only with a tokens-per-minute
 * limit is the body parsed and tokenized.
 */
export function createAdmit({
  store,
  alarm,
  failMode,
  tokenizer,
  bodyOf,
  clock = Date.now,
}: AdmitDeps): Admit {
  return async (who, req, op) => {
    const now = clock();
    const scopes = scopesOf(who, now);
    if (scopes.length === 0) return;
    const h = req.headers;

    let tokens = 0;
    const tpms = scopes.filter((s) => s.tpm !== undefined);
    if (tpms.length > 0) {
      const tightest = tpms.reduce((a, b) => (b.tpm! < a.tpm! ? b : a));
      const estimate = estimateTokens(op, parseBody(await bodyOf(req)), await tokenizer());
      tokens = tokensToReserve(estimate, tightest.tpm!);
      h.set(Headers.promptTokens, String(estimate.prompt));
      if (tokens > tightest.tpm!) throw tooLargeError(tightest.scope, tightest.tpm!, tokens);
    }

    let result: AdmitResult;
    try {
      const deadline = Number(h.get(Headers.deadline)) || now + SLOT_FALLBACK_MS;
      result = await store.admit({ requestId: h.get(Headers.requestId), tokens, deadline, scopes });
      alarm.recovered();
    } catch (err) {
      if (failMode === 'open') {
        alarm.report('fail_open', err);
        return;
      }
      alarm.report('fail_closed', err);
      throw new GatewayError(
        'unavailable',
        'Rate limits and budgets cannot be checked right now (their store is unreachable). Please try again shortly.',
        { cause: err },
      );
    }

    for (const kind of ['requests', 'tokens'] as const) {
      const reported = binding(scopes, result, kind);
      if (reported) setRateLimitHeaders(h, kind, reported);
    }
    const refused = result.refused;
    if (refused !== undefined) {
      const i = scopes.findIndex((s) => s.scope === refused.scope);
      const scope = scopes[i]!;
      const status = result.scopes[i]!;
      const facts = { ...refused, period: scope.period, resetsAt: scope.resetsAt };
      switch (refused.reason) {
        case 'budget':
          throw refusalError({ ...facts, limit: scope.budget!.maxUsd, used: status.spendUsd, requested: 0 });
        case 'concurrency':
          throw refusalError({
            ...facts,
            limit: scope.maxConcurrency!,
            used: scope.maxConcurrency!,
            requested: 1,
          });
        case 'requests':
          throw refusalError({
            ...facts,
            limit: scope.rpm!,
            used: scope.rpm! - (status.requests?.remaining ?? 0),
            requested: 1,
          });
        case 'tokens':
          throw refusalError({
            ...facts,
            limit: scope.tpm!,
            used: scope.tpm! - (status.tokens?.remaining ?? 0),
            requested: tokens,
          });
      }
    }
    // Marks the request as holding a slot or tokens: its completion gives back what it reserved.
    // Limits by requests and budgets alone hold nothing, so their completions cost no store call.
    if (tpms.length > 0 || scopes.some((s) => s.maxConcurrency !== undefined))
      h.set(Headers.reservedTokens, String(tokens));
  };
}

/** The body was validated on entry; anything unreadable here reserves no prompt tokens. */
function parseBody(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}
