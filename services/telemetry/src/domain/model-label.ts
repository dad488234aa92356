import type { ModelConfig } from '@switchyard/config';

/** Label for events that name no model (e.g. refused before the body was read). */
export const UNKNOWN_MODEL = 'unknown';
/** Label for model names no alias covers: callers choose them, so they must not become series. */
export const OTHER_MODEL = 'other';

export type ModelLabel = (model: string | undefined, status: number) => string;

/**
 * The `model` label of a request's metrics, kept to a bounded set: the model name is caller
 * input, and one series per typo would blow up Prometheus. Configured aliases are themselves;
 * a name under a `prefix/*` alias is itself once a provider served it (bounded by the provider's
 * catalogue), else the wildcard alias; anything else is `other`.
 */
export function createModelLabel(models: Readonly<Record<string, ModelConfig>>): ModelLabel {
  const exact = new Set<string>();
  const wildcards: { prefix: string; alias: string }[] = [];
  for (const alias of Object.keys(models)) {
    if (alias.endsWith('/*')) wildcards.push({ prefix: alias.slice(0, -1), alias });
    else exact.add(alias);
  }
  wildcards.sort((a, b) => b.prefix.length - a.prefix.length);

  return (model, status) => {
    if (model === undefined) return UNKNOWN_MODEL;
    if (exact.has(model)) return model;
    const wildcard = wildcards.find((w) => model.length > w.prefix.length && model.startsWith(w.prefix));
    if (wildcard === undefined) return OTHER_MODEL;
    return status < 400 ? model : wildcard.alias;
  };
}
