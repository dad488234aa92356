import { createHash } from 'node:crypto';

/**
 * Fields that do not change the answer: who asks (`user`, `metadata`, `safety_identifier`,
 * `prompt_cache_key`), how it is delivered (`stream`, `stream_options`) and whether the provider
 * keeps it (`store`). Every other field is part of the key, new ones included: two requests that
 * differ in something unknown are assumed to get different answers.
 */
const NOT_KEYED: ReadonlySet<string> = new Set([
  'model',
  'user',
  'metadata',
  'safety_identifier',
  'prompt_cache_key',
  'stream',
  'stream_options',
  'store',
]);

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of everything that changes a chat completion's answer: the model as the caller named
 * it and every body field but those in `NOT_KEYED`. SHA-256 hex of a canonical JSON.
 */
export function requestHash(model: string, body: Record<string, unknown>): string {
  const keyed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!NOT_KEYED.has(k)) keyed[k] = v;
  return createHash('sha256')
    .update(canonicalJson({ model, request: keyed }))
    .digest('hex');
}

/** Namespace and model travel inside Redis keys and SCAN patterns: nothing in them may be a separator or a glob. */
export const keyPart = (s: string): string =>
  s.replace(/[^A-Za-z0-9._/-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** An entry's full key, `<namespace>:<model>:<hash>`, the one `POST /admin/cache/purge {key}` takes. */
export const entryKey = (namespace: string, model: string, hash: string): string =>
  `${keyPart(namespace)}:${keyPart(model)}:${hash}`;
