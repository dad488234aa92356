import type { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';

type Issue = z.core.$ZodIssue;

/** `messages[0].content[1].type`: the field at fault, named as the gateway names it everywhere. */
function toParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A union's failure says only "matches none of the shapes". Content is a string or an array of
 * blocks, so the useful issue is the one inside the branch that got furthest: the unknown block
 * type or the bad field of the block.
 */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: Issue = issue;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const inner = deepestIssue({ ...first, path: [...issue.path, ...first.path] } as Issue);
    if (inner.path.length > best.path.length) best = inner;
  }
  return best;
}

const list = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

function describe(issue: Issue, where: string, input: unknown): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `Missing required parameter: ${where}.`
        : `Invalid type for ${where}: expected ${issue.expected}.`;
    case 'invalid_value':
      return `Invalid value for ${where}: expected one of ${list(issue.values)}.`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      return options
        ? `Invalid value for ${where}: ${JSON.stringify(value)} is not supported; expected one of ${list(options)}.`
        : `Invalid value for ${where}: it matches none of the accepted shapes.`;
    }
    default:
      return `Invalid value for ${where}: ${issue.message}.`;
  }
}

/** Validates a parsed body, throwing `invalid_request` that names the innermost bad field. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = deepestIssue(result.error.issues[0]!);
  const param = toParam(issue.path);
  const where = param === '' ? 'the request body' : `'${param}'`;
  throw new GatewayError('invalid_request', describe(issue, where, value), param ? { param } : {});
}
