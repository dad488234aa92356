import { z } from 'zod';
import { RouteRule } from './router-config.js';
import { ModelConfig } from './schema.js';

// How routes changed at run time are kept in the routes bucket (`ROUTES_BUCKET`): written by the
// router's admin API, followed by every router replica and by telemetry (for its model labels).

/** The key of the routing rules. */
export const STORED_RULES_KEY = 'rules';
const MODEL_KEY_PREFIX = 'model.';
/** Every model alias's key (a KV key filter). */
export const STORED_MODEL_KEYS = `${MODEL_KEY_PREFIX}>`;

/** KV keys allow few characters (no `*`, as in `openai/*`): the alias is encoded, and kept in the value. */
export const storedModelKey = (alias: string): string =>
  `${MODEL_KEY_PREFIX}${Buffer.from(alias).toString('base64url')}`;

/** The alias a model alias's key names; undefined for any other key. */
export const aliasOfStoredModelKey = (key: string): string | undefined =>
  key.startsWith(MODEL_KEY_PREFIX)
    ? Buffer.from(key.slice(MODEL_KEY_PREFIX.length), 'base64url').toString()
    : undefined;

const StoredModel = z.object({ alias: z.string().min(1), model: ModelConfig });
const StoredRules = z.object({ rules: z.array(RouteRule) });

/** The stored value of a model alias. */
export const storedModelValue = (alias: string, model: ModelConfig): string =>
  JSON.stringify({ alias, model });
/** The stored value of the routing rules. */
export const storedRulesValue = (rules: readonly RouteRule[]): string => JSON.stringify({ rules });

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The model config stored under `alias`'s key; undefined when the value is malformed or names
 * another alias than its key (a forged or mistaken entry).
 */
export function parseStoredModel(alias: string, text: string): ModelConfig | undefined {
  const parsed = StoredModel.safeParse(json(text));
  return parsed.success && parsed.data.alias === alias ? parsed.data.model : undefined;
}

/** The stored routing rules; undefined when the value is malformed. */
export function parseStoredRules(text: string): RouteRule[] | undefined {
  const parsed = StoredRules.safeParse(json(text));
  return parsed.success ? parsed.data.rules : undefined;
}
