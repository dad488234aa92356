import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { toOpenAIBody } from '../openai-compatible/request.js';

export type AzureOpenAIConfig = Extract<ProviderConfig, { type: 'azure-openai' }>;

/** Where and how to call one Azure OpenAI resource, computed once when the worker starts. */
export interface AzureTarget {
  /** `https://my-resource.openai.azure.com`: what the connection pool dials. */
  origin: string;
  /** `/openai/deployments`: the deployment and operation follow. */
  deploymentsPath: string;
  /** `?api-version=2024-10-21`, already encoded. */
  query: string;
  headers: Readonly<Record<string, string>>;
}

export function toAzureTarget(config: AzureOpenAIConfig): AzureTarget {
  const url = new URL(config.base_url);
  // Operators paste the endpoint with or without the `/openai` segment the SDKs append.
  const base = url.pathname.replace(/\/+$/, '').replace(/\/openai$/, '');
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  // Without a key, an `Authorization: Bearer <Entra ID token>` in `headers` authenticates instead.
  if (config.api_key) headers['api-key'] = config.api_key;
  return {
    origin: url.origin,
    deploymentsPath: `${base}/openai/deployments`,
    query: `?api-version=${encodeURIComponent(config.api_version)}`,
    headers,
  };
}

/** `/openai/deployments/{deployment}/{operation}?api-version=…`: the upstream model is the deployment. */
const deploymentPath = (target: AzureTarget, call: ProviderCall, operation: string): string =>
  `${target.deploymentsPath}/${encodeURIComponent(call.upstreamModel)}/${operation}${target.query}`;

/**
 * Azure speaks OpenAI's wire format: the body is the openai-compatible one (usage always asked
 * for on streams); only the address differs. The router's upstream model is the deployment name.
 */
export const toAzureRequest = (target: AzureTarget, call: ProviderCall): HttpRequestSpec => ({
  path: deploymentPath(target, call, 'chat/completions'),
  headers: target.headers,
  body: JSON.stringify(toOpenAIBody(call)),
});

/**
 * Embeddings are OpenAI's too: the caller's body as it came (token arrays, `dimensions` and
 * `encoding_format` included, for Azure to honour or refuse), with the deployment as model.
 */
export const toAzureEmbeddingsRequest = (target: AzureTarget, call: ProviderCall): HttpRequestSpec => ({
  path: deploymentPath(target, call, 'embeddings'),
  headers: target.headers,
  body: JSON.stringify({ ...call.body, model: call.upstreamModel }),
});
