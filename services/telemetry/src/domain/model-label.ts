import type { ModelConfig } from '@switchyard/config';

/** Label for events that name no model (e.g. refused before the body was read). */
export const UNKNOWN_MODEL = 'unknown';
/** Label for model names no alias covers: callers choose them, so they must not become series. */
export const OTHER_MODEL = 'other';

export type ModelLabel = (model: string | undefined, status: number) => string;

/** A {@link ModelLabel} that also takes the aliases added at run time. */
export interface ExtensibleModelLabel extends ModelLabel {
  /**
   * Labels `alias` (an exact name or a `prefix/*`) like a configured alias from now on. Nothing
   * takes an alias away: one deleted at run time keeps its label until telemetry restarts.
   */
  addAlias(alias: string): void;
}

/**
 * The `model` label of a request's metrics, kept to a bounded set: the model name is caller
 * input, and one series per typo would blow up Prometheus. Configured aliases, and aliases added
 * at run time, are themselves; a name under a `prefix/*` alias is itself once a provider served it
 * (bounded by the provider's catalogue), else the wildcard alias; anything else is `other`.
 */
export function createModelLabel(models: Readonly<Record<string, ModelConfig>>): ExtensibleModelLabel {
  const exact = new Set<string>();
  // Longest prefix first, so `openai/ft/x` falls under `openai/ft/*` rather than `openai/*`.
  const wildcards: { prefix: string; alias: string }[] = [];

  const addAlias = (alias: string): void => {
    if (!alias.endsWith('/*')) {
      exact.add(alias);
      return;
    }
    // The routes bucket is replayed when telemetry starts following it: the same alias comes twice.
    if (wildcards.some((w) => w.alias === alias)) return;
    wildcards.push({ prefix: alias.slice(0, -1), alias });
    wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  };
  for (const alias of Object.keys(models)) addAlias(alias);

  const label: ModelLabel = (model, status) => {
    if (model === undefined) return UNKNOWN_MODEL;
    if (exact.has(model)) return model;
    const wildcard = wildcards.find((w) => model.length > w.prefix.length && model.startsWith(w.prefix));
    if (wildcard === undefined) return OTHER_MODEL;
    return status < 400 ? model : wildcard.alias;
  };
  return Object.assign(label, { addAlias });
}
