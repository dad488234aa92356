import type { ModelConfig } from '@switchyard/config';
import type { Model, ModelList } from '@switchyard/contracts';
import { compileGlob } from '@switchyard/contracts';

/** The models a key may use, in OpenAI's list shape. */
export type ModelCatalog = (allowedGlobs: readonly string[]) => ModelList;

/**
 * Whether a key's glob admits an alias: an exact alias when the glob matches it; a wildcard alias
 * (`openai/*`, listed as is) also when the glob narrows it (`openai/gpt-4o*`), since the key may
 * then use some model under it.
 */
function compileAdmits(glob: string): (alias: string) => boolean {
  const matches = compileGlob(glob);
  return (alias) => matches(alias) || (alias.endsWith('/*') && glob.startsWith(alias.slice(0, -1)));
}

/**
 * `created` is fixed (when the config was loaded, in seconds), so the list a client caches does
 * not change on every call.
 */
export function createModelCatalog(
  models: Readonly<Record<string, ModelConfig>>,
  createdSec: number,
): ModelCatalog {
  const all: Model[] = Object.entries(models).map(([alias, config]) => ({
    id: alias,
    object: 'model',
    created: createdSec,
    owned_by: config.deployments[0]?.provider ?? 'switchyard',
  }));
  return (globs) => {
    const admits = globs.map(compileAdmits);
    return { object: 'list', data: all.filter((m) => admits.some((a) => a(m.id))) };
  };
}
