import { isRecord } from '../is-record.js';
import { refuseUnlessDropped, type ParamPolicy } from '../unsupported-params.js';
import type { GeminiGenerationConfig } from './wire.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * The sampling and output parameters of an OpenAI request as Gemini's `generationConfig`.
 * `null` means unset, as in OpenAI's API. Values are passed as given: where Gemini's range is
 * narrower (candidateCount, stop sequences), Gemini's own 400 says so, rather than a silent clamp.
 */
export function toGenerationConfig(
  body: Record<string, unknown>,
  model: string,
  policy: ParamPolicy,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  const set = <K extends keyof GeminiGenerationConfig>(key: K, value: GeminiGenerationConfig[K]): void => {
    if (value !== undefined) config[key] = value;
  };
  set('temperature', num(body['temperature']));
  set('topP', num(body['top_p']));
  // Not OpenAI's, but sent by clients written for vLLM and others; Gemini has it.
  set('topK', num(body['top_k']));
  set('maxOutputTokens', num(body['max_completion_tokens']) ?? num(body['max_tokens']));
  const stop = body['stop'];
  set(
    'stopSequences',
    typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.map(String) : undefined,
  );
  set('candidateCount', num(body['n']));
  set('seed', num(body['seed']));
  set('presencePenalty', num(body['presence_penalty']));
  set('frequencyPenalty', num(body['frequency_penalty']));

  const format = body['response_format'];
  if (isRecord(format) && format['type'] === 'json_object') {
    config.responseMimeType = 'application/json';
  } else if (isRecord(format) && format['type'] === 'json_schema') {
    config.responseMimeType = 'application/json';
    const spec = isRecord(format['json_schema']) ? format['json_schema'] : {};
    // responseJsonSchema takes JSON Schema as written; responseSchema would take only an OpenAPI subset.
    if (isRecord(spec['schema'])) config.responseJsonSchema = spec['schema'];
  }

  const thinking = toThinkingConfig(body['reasoning_effort'], model, policy);
  if (thinking) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * Token budgets Google's own OpenAI-compatible endpoint uses for Gemini 2.x, which takes a budget;
 * later models take a level. `none` turns thinking off where a budget of 0 is allowed.
 */
const BUDGETS: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 0,
  low: 1024,
  medium: 8192,
  high: 24576,
};
const LEVELS: Readonly<Record<string, string>> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
};

function toThinkingConfig(
  effort: unknown,
  model: string,
  policy: ParamPolicy,
): GeminiGenerationConfig['thinkingConfig'] {
  if (effort === undefined || effort === null) return undefined;
  const key = String(effort);
  if (/(^|\/)gemini-(1|2)\./.test(model)) {
    const budget = BUDGETS[key];
    if (budget !== undefined) return { thinkingBudget: budget };
  } else {
    const level = LEVELS[key];
    if (level !== undefined) return { thinkingLevel: level };
  }
  refuseUnlessDropped(policy, 'reasoning_effort', `"${key}" has no equivalent on ${model}`);
  return undefined;
}
