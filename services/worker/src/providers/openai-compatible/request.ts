import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';

export type OpenAICompatibleConfig = Extract<ProviderConfig, { type: 'openai-compatible' }>;

/** Where and how to call one provider, computed once when the worker starts, not per request. */
export interface OpenAITarget {
  /** `https://api.groq.com`: what the connection pool dials. */
  origin: string;
  /** `/openai/v1/chat/completions`. */
  chatPath: string;
  /** `/openai/v1/embeddings`. */
  embeddingsPath: string;
  headers: Readonly<Record<string, string>>;
}

export function toOpenAITarget(config: OpenAICompatibleConfig): OpenAITarget {
  const url = new URL(config.base_url);
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  if (config.api_key) {
    headers['authorization'] = `Bearer ${config.api_key}`;
  } else if (url.username) {
    // Credentials in the URL would leak into logs and never reach the server through a pool:
    // turn them into the header they stand for.
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const base = url.pathname.replace(/\/+$/, '');
  return {
    origin: url.origin,
    chatPath: `${base}/chat/completions`,
    embeddingsPath: `${base}/embeddings`,
    headers,
  };
}

/**
 * The upstream body: the caller's body with the router's model, and for streams usage always
 * requested, so the gateway can account for tokens even when the caller did not ask for them.
 * Every other field passes through untouched.
 */
export function toOpenAIBody(call: ProviderCall): Record<string, unknown> {
  const body: Record<string, unknown> = { ...call.body, model: call.upstreamModel };
  if (call.stream) {
    const options = isRecord(call.body['stream_options']) ? call.body['stream_options'] : {};
    body['stream'] = true;
    body['stream_options'] = { ...options, include_usage: true };
  }
  return body;
}

export const toOpenAIRequest = (target: OpenAITarget, call: ProviderCall): HttpRequestSpec => ({
  path: target.chatPath,
  headers: target.headers,
  body: JSON.stringify(toOpenAIBody(call)),
});

/** Embeddings: the caller's body with the router's model; every other field passes through. */
export const toOpenAIEmbeddingsRequest = (target: OpenAITarget, call: ProviderCall): HttpRequestSpec => ({
  path: target.embeddingsPath,
  headers: target.headers,
  body: JSON.stringify({ ...call.body, model: call.upstreamModel }),
});
