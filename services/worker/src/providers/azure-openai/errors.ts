import { GatewayError } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { mapOpenAIError, readUpstreamError } from '../openai-compatible/errors.js';

/** The inner `error` object of an Azure error body, or an empty one. */
function azureErrorOf(body: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(body);
    return isRecord(json) && isRecord(json['error']) ? json['error'] : {};
  } catch {
    return {};
  }
}

/** The categories Azure's content filter blocked, from `innererror.content_filter_result`. */
function filteredCategories(error: Record<string, unknown>): string[] {
  const inner = error['innererror'];
  const result = isRecord(inner) ? inner['content_filter_result'] : undefined;
  if (!isRecord(result)) return [];
  return Object.entries(result)
    .filter(([, verdict]) => isRecord(verdict) && verdict['filtered'] === true)
    .map(([category]) => category);
}

/**
 * Azure's errors are OpenAI's, plus two of its own: a prompt blocked by the content filter
 * (400 `content_filter`, kept as that code with the blocked categories), and a 404 that names no
 * deployment, which means the resource URL or `api_version` is wrong: the operator's problem.
 */
export function mapAzureError(providerId: string, failure: UpstreamFailure): GatewayError {
  const error = azureErrorOf(failure.body);
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  if (failure.status === 400 && code === 'content_filter') {
    const categories = filteredCategories(error);
    const message =
      readUpstreamError(failure.body).message ?? 'The prompt was blocked by the content filter.';
    return new GatewayError(
      'invalid_request',
      categories.length > 0 ? `${message} (filtered: ${categories.join(', ')})` : message,
      // Azure says `prompt`; in a chat request the prompt is the messages.
      { openaiCode: 'content_filter', param: 'messages', provider: providerId },
    );
  }
  if (failure.status === 404 && code !== 'DeploymentNotFound') {
    return new GatewayError(
      'upstream_error',
      `Provider ${providerId} answered 404 for its deployment URL. An operator must check its base_url and api_version.`,
      { provider: providerId },
    );
  }
  return mapOpenAIError(providerId, failure);
}
