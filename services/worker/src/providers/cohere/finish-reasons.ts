import { GatewayError, type FinishReason } from '@switchyard/contracts';

/**
 * Cohere's `finish_reason` → OpenAI's: the one table. `ERROR` and `TIMEOUT` have no OpenAI
 * reason: the generation failed, and the answer fails with it (`undefined` here).
 */
const FINISH_REASONS: Readonly<Record<string, FinishReason | undefined>> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR: undefined,
  TIMEOUT: undefined,
};

/** The OpenAI finish reason, or the error a failed generation is. */
export function readFinishReason(
  reason: unknown,
  providerId: string,
  said?: unknown,
): FinishReason | GatewayError {
  const key = String(reason);
  if (!Object.hasOwn(FINISH_REASONS, key)) return 'stop'; // a reason newer than this table: the answer did end
  const mapped = FINISH_REASONS[key];
  if (mapped !== undefined) return mapped;
  const detail = typeof said === 'string' && said !== '' ? `: ${said}` : '';
  return key === 'TIMEOUT'
    ? new GatewayError('timeout', `Provider ${providerId} timed out while generating the answer${detail}`, {
        provider: providerId,
      })
    : new GatewayError(
        'upstream_error',
        `Provider ${providerId} failed while generating the answer${detail}`,
        { provider: providerId },
      );
}
