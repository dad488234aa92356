import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { toConverseRequest } from './request.js';
import { createSigner, type RequestToSign } from './sign.js';

export type BedrockConfig = Extract<ProviderConfig, { type: 'bedrock' }>;

/** Where and how to call Bedrock, computed once when the worker starts, not per request. */
export interface BedrockTarget {
  /** `https://bedrock-runtime.us-east-1.amazonaws.com`: what the connection pool dials. */
  origin: string;
  /** The Host header, which is signed: `host[:port]` as the pool sends it. */
  host: string;
  /** A VPC endpoint's path prefix, usually empty. */
  basePath: string;
  headers: Readonly<Record<string, string>>;
  dropParams: boolean;
  sign: (request: RequestToSign, now?: Date) => Promise<Record<string, string>>;
}

export function toBedrockTarget(config: BedrockConfig): BedrockTarget {
  const url = new URL(config.base_url ?? `https://bedrock-runtime.${config.region}.amazonaws.com`);
  return {
    origin: url.origin,
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    headers: config.headers,
    dropParams: config.drop_params,
    sign: createSigner({
      region: config.region,
      service: 'bedrock',
      credentials: {
        accessKeyId: config.access_key_id,
        secretAccessKey: config.secret_access_key,
        sessionToken: config.session_token,
      },
    }),
  };
}

/**
 * `POST {base}/model/{modelId}/{operation}`, signed. The model id is one path segment, so ids with
 * `:` and inference profile ARNs with `/` are encoded whole.
 */
export async function toSignedModelRequest(
  target: BedrockTarget,
  modelId: string,
  operation: 'converse' | 'converse-stream' | 'invoke',
  body: string,
  now?: Date,
): Promise<HttpRequestSpec> {
  const path = `${target.basePath}/model/${encodeURIComponent(modelId)}/${operation}`;
  const headers = {
    ...target.headers,
    'content-type': 'application/json',
    accept: operation === 'converse-stream' ? 'application/vnd.amazon.eventstream' : 'application/json',
  };
  return {
    path,
    body,
    headers: await target.sign({ method: 'POST', host: target.host, path, headers, body }, now),
  };
}

/** `POST {base}/model/{modelId}/converse` (or `/converse-stream`), signed. */
export function toBedrockRequest(
  target: BedrockTarget,
  call: ProviderCall,
  now?: Date,
): Promise<HttpRequestSpec> {
  // Translated first, outside the promise: a refused parameter throws at once, before any signing.
  const body = JSON.stringify(toConverseRequest(call, { dropParams: target.dropParams }));
  return toSignedModelRequest(
    target,
    call.upstreamModel,
    call.stream ? 'converse-stream' : 'converse',
    body,
    now,
  );
}
