import { GatewayError } from '@switchyard/contracts';
import { isRecord } from './is-record.js';

/** A provider's answer (or one stream line) as JSON; text that is not JSON is an upstream error. */
export function parseUpstreamJson(text: string, providerId: string): unknown {
  try {
    return JSON.parse(text);
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
}

/** Parses one JSON object (a whole answer or a stream line); throws `upstream_error` when it is not one. */
export function parseUpstreamObject(text: string, providerId: string): Record<string, unknown> {
  const json = parseUpstreamJson(text, providerId);
  if (!isRecord(json)) {
    throw new GatewayError(
      'upstream_error',
      `Provider ${providerId} sent an answer that is not a JSON object.`,
      {
        provider: providerId,
      },
    );
  }
  return json;
}
