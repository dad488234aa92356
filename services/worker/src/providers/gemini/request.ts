import type { ProviderConfig } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { toGeminiConversation } from './contents.js';
import { toGenerationConfig } from './generation-config.js';
import type { ParamPolicy } from '../unsupported-params.js';
import { checkUnsupportedParams } from './param-policy.js';
import { toGeminiToolConfig, toGeminiTools } from './tools.js';
import type { GeminiRequest } from './wire.js';

export type GeminiConfig = Extract<ProviderConfig, { type: 'gemini' }>;

/** Where and how to call Gemini, computed once when the worker starts. */
export interface GeminiTarget {
  /** `https://generativelanguage.googleapis.com`: what the connection pool dials. */
  origin: string;
  /** `/v1beta`, under any path prefix of the base URL (a proxy's). */
  versionPath: string;
  headers: Readonly<Record<string, string>>;
  dropParams: boolean;
}

export function toGeminiTarget(config: GeminiConfig): GeminiTarget {
  const url = new URL(config.base_url);
  const path = url.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  if (config.api_key) headers['x-goog-api-key'] = config.api_key;
  return {
    origin: url.origin,
    // A base URL that already names an API version (`…/v1beta`, `…/v1`) is kept as it is.
    versionPath: /\/v1(alpha|beta)?\d*$/.test(path) ? path : `${path}/v1beta`,
    headers,
    dropParams: config.drop_params,
  };
}

/**
 * `gemini-2.5-flash` → `models/gemini-2.5-flash`; `models/…` and `tunedModels/…` are kept. The
 * name may come from the caller (a `prefix/*` alias), so each segment is escaped and `..` refused:
 * it must not reach another path of the API.
 */
export function toModelPath(model: string): string {
  const name = /^(models|tunedModels)\//.test(model) ? model : `models/${model}`;
  const segments = name.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new GatewayError(
      'invalid_request',
      `Invalid value for 'model': "${model}" is not a Gemini model name.`,
      {
        param: 'model',
      },
    );
  }
  return segments.map(encodeURIComponent).join('/');
}

/** The whole Gemini body of one call: conversation, tools and generation settings. */
export function toGeminiBody(call: ProviderCall, policy: ParamPolicy): GeminiRequest {
  const { body } = call;
  checkUnsupportedParams(policy, body);
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const request: GeminiRequest = toGeminiConversation(messages);
  const tools = toGeminiTools(body['tools']);
  if (tools) request.tools = tools;
  const toolConfig = toGeminiToolConfig(body['tool_choice']);
  if (toolConfig) request.toolConfig = toolConfig;
  const generationConfig = toGenerationConfig(body, call.upstreamModel, policy);
  if (generationConfig) request.generationConfig = generationConfig;
  return request;
}

export function toGeminiRequest(target: GeminiTarget, call: ProviderCall): HttpRequestSpec {
  const policy = { providerId: call.providerId, dropParams: target.dropParams };
  // Gemini streams only as SSE when asked with alt=sse; without it the stream is one JSON array.
  const method = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return {
    path: `${target.versionPath}/${toModelPath(call.upstreamModel)}:${method}`,
    headers: target.headers,
    body: JSON.stringify(toGeminiBody(call, policy)),
  };
}
