import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectMatchesOpenAISpec } from './expect-matches-openai-spec.js';

const errorBody = { error: { message: 'Bad key', type: 'invalid_request_error', param: null, code: null } };

describe('expectMatchesOpenAISpec', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('passes a value that matches the named schema', () => {
    expectMatchesOpenAISpec('ErrorResponse', errorBody);
  });

  it('fails, naming the schema and the offending field, for a value that does not', () => {
    let failure: unknown;
    try {
      expectMatchesOpenAISpec('ErrorResponse', { error: { message: 3 } });
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ message: expect.stringContaining('OpenAI spec: ErrorResponse') });
    expect((failure as { actual: string[] }).actual).toContainEqual(
      expect.stringMatching(/^\/error\/message must be string/),
    );
  });

  it('skips only the check, with a warning saying why, when the spec is absent', () => {
    vi.stubEnv('OPENAI_SPEC_PATH', '/nonexistent/openai-openapi.yaml');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expectMatchesOpenAISpec('ErrorResponse', { not: 'an error body' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('/nonexistent/openai-openapi.yaml'));
    } finally {
      warn.mockRestore();
    }
  });
});
