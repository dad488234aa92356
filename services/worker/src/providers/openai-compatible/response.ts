import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';

const decoder = new TextDecoder();

/**
 * The usage of a whole 2xx answer. The bytes themselves are forwarded as they came; they are
 * parsed only to account for tokens, and to refuse an answer the caller could not read.
 */
export function readOpenAIUsage(providerId: string, body: Uint8Array): UsageSummary | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new GatewayError(
      'upstream_error',
      `Provider ${providerId} sent an answer that is not valid JSON.`,
      {
        provider: providerId,
        cause,
      },
    );
  }
  if (!isRecord(json)) {
    throw new GatewayError(
      'upstream_error',
      `Provider ${providerId} sent an answer that is not a JSON object.`,
      {
        provider: providerId,
      },
    );
  }
  return toUsageSummary(json['usage']);
}
