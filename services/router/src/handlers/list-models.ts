import { getHeader, type StageHandler } from '@switchyard/bus';
import { Headers } from '@switchyard/contracts';
import type { ModelCatalog } from '../domain/model-catalog.js';

export interface ListModelsDeps {
  /** The catalog of the routes in effect, read per call: routes change at run time. */
  catalog(): ModelCatalog;
}

const encoder = new TextEncoder();

/**
 * Answers `GET /v1/models` directly: the aliases the key may use. A request without the
 * `sy-allowed-models` header policy stamps gets an empty list, never everything.
 */
export function createListModels({ catalog }: ListModelsDeps): StageHandler {
  return (req) => {
    const globs = getHeader(req.headers, Headers.allowedModels)?.split(',') ?? [];
    req.reply.response(encoder.encode(JSON.stringify(catalog()(globs))));
    return undefined;
  };
}
