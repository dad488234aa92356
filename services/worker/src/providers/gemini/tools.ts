import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import type { GeminiFunctionDeclaration, GeminiRequest, GeminiToolConfig } from './wire.js';

/**
 * OpenAI function tools → one Gemini tool holding every function declaration. Parameters go as
 * `parametersJsonSchema`, which takes JSON Schema as OpenAI callers write it (`additionalProperties`,
 * `$ref`, …); the older `parameters` field takes only an OpenAPI subset and rejects the rest.
 * `strict` has no Gemini equivalent and is not sent.
 */
export function toGeminiTools(tools: unknown): GeminiRequest['tools'] {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const declarations = tools.map((tool: unknown, i): GeminiFunctionDeclaration => {
    const fn = isRecord(tool) && isRecord(tool['function']) ? tool['function'] : undefined;
    if (!isRecord(tool) || tool['type'] !== 'function' || !fn) {
      throw new GatewayError(
        'invalid_request',
        `Invalid value for 'tools[${i}]': Gemini takes function tools only.`,
        {
          param: `tools[${i}]`,
        },
      );
    }
    const declaration: GeminiFunctionDeclaration = { name: String(fn['name']) };
    if (typeof fn['description'] === 'string') declaration.description = fn['description'];
    if (isRecord(fn['parameters'])) declaration.parametersJsonSchema = fn['parameters'];
    return declaration;
  });
  return [{ functionDeclarations: declarations }];
}

/** `tool_choice` → Gemini's function calling mode; `required` and a named function are ANY. */
export function toGeminiToolConfig(choice: unknown): GeminiToolConfig | undefined {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (isRecord(choice) && isRecord(choice['function'])) {
    const name = String(choice['function']['name']);
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  }
  return undefined;
}
