import type { z } from 'zod';
import { ChatRequest } from './chat.js';
import { EmbeddingsRequest } from './embeddings.js';
import { GatewayError } from './errors.js';

/** `messages[0].content`, as OpenAI names the offending parameter. */
function toParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');
}

/** The value at `path` in `root`, to tell a missing field from a wrongly typed one. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, param: string, input: unknown): string {
  const where = param === '' ? 'the request body' : `'${param}'`;
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(input, issue.path) === undefined
        ? `Missing required parameter: ${where}.`
        : `Invalid type for ${where}: expected ${issue.expected}.`;
    case 'invalid_value':
      return `Invalid value for ${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small':
    case 'too_big':
      return `Invalid value for ${where}: ${issue.message}.`;
    case 'invalid_union':
      return valueAt(input, issue.path) === undefined
        ? `Missing required parameter: ${where}.`
        : `Invalid value for ${where}: it matches none of the accepted shapes.`;
    default:
      return `Invalid value for ${where}: ${issue.message}.`;
  }
}

/** Validates a parsed body against a schema, throwing `invalid_request` that names the first bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = toParam(issue.path);
  throw new GatewayError('invalid_request', describeIssue(issue, param, value), param ? { param } : {});
}

/** Parses request bytes as JSON, throwing `invalid_request` for malformed JSON or a non-object body. */
export function parseJsonBody(bytes: Uint8Array | string): unknown {
  const text =
    typeof bytes === 'string'
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new GatewayError(
      'invalid_request',
      'We could not parse the JSON body of your request. It is not valid JSON.',
      {
        cause,
      },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  return value;
}

export const parseChatRequest = (value: unknown): ChatRequest => parseWith(ChatRequest, value);

export const parseEmbeddingsRequest = (value: unknown): EmbeddingsRequest =>
  parseWith(EmbeddingsRequest, value);
