/**
 * OpenAI's spec says `openapi: 3.1.0` but still uses the 3.0 keyword `nullable: true` in places
 * (e.g. stream chunks' `usage` and `finish_reason`). JSON Schema 2020-12 ignores it, so a real
 * `usage: null` would fail, and Ajv refuses `nullable` beside a `$ref`. Rewriting each such schema
 * as `anyOf: [schema, {type: "null"}]` says what the spec means, for every keyword (enum included).
 */
export function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewriteNullable(value);
  const { nullable, ...rest } = out;
  if (nullable === true) return { anyOf: [rest, { type: 'null' }] };
  if (nullable === false) return rest;
  return out;
}
