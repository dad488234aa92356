/** Cohere's error answers: `{id, message}` with an HTTP status, worded as its API words them. */
export interface CohereFailure {
  status: number;
  message: string;
}

export const cohereError = (status: number, message: string): CohereFailure => ({ status, message });

export const invalidToken = (): CohereFailure => cohereError(401, 'invalid api token');

/** `fail-<status>` models answer with these. */
export const COHERE_FAILURES: Readonly<Record<string, CohereFailure>> = {
  'fail-400': cohereError(400, 'invalid request: fake model fail-400 always rejects.'),
  'fail-401': invalidToken(),
  'fail-404': cohereError(
    404,
    "model 'fail-404' not found, make sure the correct model ID was used and that you have access to the model.",
  ),
  'fail-429': cohereError(
    429,
    'You are using a Trial key, which is limited to 10 API calls / minute. You can continue to use the Trial key ' +
      "for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'.",
  ),
  'fail-500': cohereError(500, 'internal server error, this has been reported to our developers.'),
  'fail-503': cohereError(503, 'service unavailable'),
};
