import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { findOpenAISpec } from './find-openai-spec.js';
import { rewriteNullable } from './openapi-nullable.js';

export interface OpenAISpec {
  /** Error messages for `value` against `#/components/schemas/<schemaName>`; empty when valid. */
  validate(schemaName: string, value: unknown): string[];
}

export interface OpenAISpecMissing {
  /** Why the spec could not be found, and how to provide it. */
  missing: string;
}

const SPEC_ID = 'https://switchyard.test/openai-openapi.json';

// Parsing 3 MB of YAML takes a while: do it once per process (per path), and compile each schema
// only when first asked for.
const loaded = new Map<string, OpenAISpec>();

/** OpenAI's published OpenAPI spec as a validator, or the reason it is unavailable. */
export function loadOpenAISpec(): OpenAISpec | OpenAISpecMissing {
  const found = findOpenAISpec();
  if ('missing' in found) return found;
  let spec = loaded.get(found.path);
  if (!spec) {
    spec = compileSpec(parse(readFileSync(found.path, 'utf8')) as unknown);
    loaded.set(found.path, spec);
  }
  return spec;
}

function compileSpec(document: unknown): OpenAISpec {
  // strict:false ignores vendor keywords (x-oaiMeta, x-stainless-*) and `discriminator` (oneOf
  // still decides); formats such as "unixtime" are OpenAI's own, so they are not checked.
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: false,
    validateSchema: false,
    logger: false,
  });
  ajv.addSchema({ ...(rewriteNullable(document) as object), $id: SPEC_ID });
  const validators = new Map<string, ValidateFunction>();

  return {
    validate(schemaName, value) {
      let validator = validators.get(schemaName);
      if (!validator) {
        validator = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
        if (!validator) throw new Error(`OpenAI spec has no schema named ${schemaName}`);
        validators.set(schemaName, validator);
      }
      return validator(value) ? [] : (validator.errors ?? []).map(describe);
    },
  };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`;
}
