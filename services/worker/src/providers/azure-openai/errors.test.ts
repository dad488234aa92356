import { readFileSync } from 'node:fs';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { mapAzureError } from './errors.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const fail = (status: number, name: string, headers: Record<string, string> = {}) =>
  mapAzureError('azure', { status, body: fixture(name), headers });

describe('mapAzureError', () => {
  it('keeps a content-filter refusal as a 400 content_filter, naming what was filtered', () => {
    const err = fail(400, 'content-filter-error.json');
    expect([err.code, err.status, err.retryable, err.provider]).toEqual([
      'invalid_request',
      400,
      false,
      'azure',
    ]);
    const body = toOpenAIErrorBody(err).error;
    expect(body).toMatchObject({ type: 'invalid_request_error', code: 'content_filter', param: 'messages' });
    expect(body.message).toMatch(
      /^The response was filtered due to the prompt triggering Azure OpenAI's content/,
    );
    expect(body.message).toMatch(/\(filtered: jailbreak, violence\)$/);
  });

  it('maps a missing deployment to 404 model_not_found with Azure’s explanation', () => {
    const err = fail(404, 'deployment-not-found.json');
    expect([err.code, err.status]).toEqual(['model_not_found', 404]);
    expect(err.message).toMatch(/API deployment for this resource does not exist/);
  });

  it('blames the configuration for any other 404 (wrong endpoint or api_version)', () => {
    const err = fail(404, 'resource-not-found.json');
    expect([err.code, err.status]).toEqual(['upstream_error', 502]);
    expect(err.message).toMatch(/base_url and api_version/);
  });

  it('never repeats Azure’s 401 text and blames the gateway credentials', () => {
    const err = fail(401, 'unauthorized.json');
    expect([err.code, err.status]).toEqual(['upstream_error', 502]);
    expect(err.message).toContain("azure rejected the gateway's credentials");
  });

  it('maps 429 to rate_limited with Azure’s retry-after-ms', () => {
    const err = fail(429, 'rate-limited.json', { 'retry-after-ms': '6000', 'retry-after': '6' });
    expect([err.code, err.status, err.retryAfterMs, err.retryable]).toEqual([
      'rate_limited',
      429,
      6000,
      true,
    ]);
    expect(err.message).not.toMatch(/S0 pricing tier/);
  });
});
