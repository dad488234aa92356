import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleEmbeddings } from '../fake-openai/embeddings.js';
import { AZURE_FAILURES, rateLimited } from './azure-errors.js';
import { sendAzureFailure } from './azure-chat.js';

export interface AzureEmbeddingsContext {
  res: ServerResponse;
  signal: AbortSignal;
  /** The deployment name from the URL: it picks the behaviour. */
  deployment: string;
  /** The model the deployment runs, as Azure names it in answers. */
  model: string;
}

/**
 * POST /openai/deployments/{deployment}/embeddings. OpenAI's embeddings (the OpenAI fake's
 * vectors, validation and base64), Azure's failures by deployment name: fail-<status>, hang,
 * slow-<ms>. The body's `model` is ignored, as Azure ignores it: the deployment decides.
 */
export async function handleAzureEmbeddings(
  body: Record<string, unknown>,
  ctx: AzureEmbeddingsContext,
): Promise<void> {
  const { res, signal, deployment } = ctx;
  const failure = deployment === 'fail-429' ? rateLimited('Embeddings_Create') : AZURE_FAILURES[deployment];
  if (failure && deployment !== 'content-filter') return sendAzureFailure(res, failure);
  if (deployment === 'hang')
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  const slow = /^slow-(\d+)$/.exec(deployment);
  if (slow) await sleep(Number(slow[1]), undefined, { signal });
  return handleEmbeddings({ ...body, model: ctx.model }, { res, signal });
}
