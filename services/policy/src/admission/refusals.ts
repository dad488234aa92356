import { GatewayError } from '@switchyard/contracts';
import type { Refusal } from './limit-store.js';

/** `key:app` → `key 'app'`, `team:search` → `team 'search'`: how a message names a scope. */
export const describeScope = (scope: string): string => {
  const at = scope.indexOf(':');
  return `${scope.slice(0, at)} '${scope.slice(at + 1)}'`;
};

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

export interface RefusalFacts {
  reason: Refusal;
  scope: string;
  retryAfterMs?: number | undefined;
  /** The refused limit's size: requests, tokens, requests in flight or USD. */
  limit: number;
  /** For `requests` and `tokens`: what is left of the limit now; for `budget`: USD spent. */
  used: number;
  requested: number;
  period?: string | undefined;
  resetsAt?: number | undefined;
}

/** The 429 a refused request gets, worded as OpenAI words its own (`Limit …, Used …, Requested …`). */
export function refusalError(f: RefusalFacts): GatewayError {
  const who = describeScope(f.scope);
  const retry = { retryAfterMs: f.retryAfterMs };
  switch (f.reason) {
    case 'budget': {
      const resets = f.resetsAt === undefined ? '' : ` It resets at ${new Date(f.resetsAt).toISOString()}.`;
      return new GatewayError(
        'quota_exceeded',
        `You exceeded your current quota: ${who} has spent $${f.used.toFixed(4)} of its ` +
          `${f.period ?? ''} budget of $${f.limit}.${resets}`,
      );
    }
    case 'concurrency':
      return new GatewayError(
        'rate_limited',
        `Too many requests in flight for ${who}: Limit ${f.limit} at once. Please try again when one completes.`,
        retry,
      );
    case 'requests':
    case 'tokens': {
      const unit = f.reason === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
      return new GatewayError(
        'rate_limited',
        `Rate limit reached for ${who} on ${unit}: Limit ${f.limit}, Used ${f.used}, ` +
          `Requested ${f.requested}. Please try again in ${seconds(f.retryAfterMs ?? 0)}.`,
        retry,
      );
    }
  }
}

/** A request that could never fit its tokens-per-minute limit, however long it waited. */
export const tooLargeError = (scope: string, limit: number, requested: number): GatewayError =>
  new GatewayError(
    'rate_limited',
    `Request too large for ${describeScope(scope)} on tokens per min (TPM): Limit ${limit}, ` +
      `Requested ${requested}. Lower max_tokens or shorten the prompt.`,
    { retryable: false },
  );
