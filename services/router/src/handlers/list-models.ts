import { getHeader, type StageHandler } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import { Headers } from '@switchyard/contracts';
import { createModelCatalog } from '../domain/model-catalog.js';

export interface ListModelsDeps {
  config: Pick<SwitchyardConfig, 'models'>;
  /** When the config was loaded, in seconds: every model's `created`. */
  createdSec: number;
}

const encoder = new TextEncoder();

/**
 * Answers `GET /v1/models` directly: the aliases the key may use. A request without the
 * `sy-allowed-models` header policy stamps gets an empty list, never everything.
 */
export function createListModels({ config, createdSec }: ListModelsDeps): StageHandler {
  const catalog = createModelCatalog(config.models, createdSec);

  return (req) => {
    const globs = getHeader(req.headers, Headers.allowedModels)?.split(',') ?? [];
    req.reply.response(encoder.encode(JSON.stringify(catalog(globs))));
    return undefined;
  };
}
