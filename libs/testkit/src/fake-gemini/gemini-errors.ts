/** Google's error body, `{error:{code, message, status, details}}`, as the Gemini API sends it. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: object[] };
}

/** A canned HTTP failure: status, body and headers. */
export interface GeminiFailure {
  status: number;
  body: GeminiErrorBody;
  headers?: Record<string, string>;
}

export function googleError(
  code: number,
  status: string,
  message: string,
  details?: object[],
): GeminiFailure {
  return { status: code, body: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

const errorInfo = (reason: string): object => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'generativelanguage.googleapis.com' },
});

export const INTERNAL_MESSAGE =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

/** The `{error}` object Gemini writes as an SSE event when it fails mid-stream. */
export const internalStreamError = (): GeminiErrorBody => googleError(500, 'INTERNAL', INTERNAL_MESSAGE).body;

/**
 * `fail-*` models answer with these, worded as the Gemini API words them, so adapters are tested
 * on the exact bodies they must map. `fail-403` quotes the key, as Google does for a suspended one.
 */
export function failureFor(model: string, apiKey: string): GeminiFailure | undefined {
  switch (model) {
    case 'fail-400':
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 'fail-context':
      return googleError(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).',
      );
    case 'fail-401':
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or ' +
          'other valid authentication credential.',
        [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED')],
      );
    case 'fail-403':
      return googleError(
        403,
        'PERMISSION_DENIED',
        `Permission denied: Consumer 'api_key:${apiKey}' has been suspended.`,
        [errorInfo('CONSUMER_SUSPENDED')],
      );
    case 'fail-404':
      return modelNotFound(model);
    case 'fail-429':
      return {
        ...googleError(
          429,
          'RESOURCE_EXHAUSTED',
          'You exceeded your current quota, please check your plan and billing details. For more ' +
            'information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. ' +
            '* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, ' +
            'limit: 10, model: gemini-2.0-flash',
          [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
                  quotaValue: '10',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.Help',
              links: [
                {
                  description: 'Learn more about Gemini API quotas',
                  url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
                },
              ],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' },
          ],
        ),
      };
    case 'fail-500':
      return googleError(500, 'INTERNAL', INTERNAL_MESSAGE);
    case 'fail-503':
      return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'fail-504':
      return googleError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
    default:
      return undefined;
  }
}

export function modelNotFound(model: string, method = 'generateContent'): GeminiFailure {
  return googleError(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. ` +
      'Call ListModels to see the list of available models and their supported methods.',
  );
}

/** A wrong key: Google answers 400, not 401, with the reason in an ErrorInfo detail. */
export const invalidApiKey = (): GeminiFailure =>
  googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
    errorInfo('API_KEY_INVALID'),
    {
      '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
      locale: 'en-US',
      message: 'API key not valid. Please pass a valid API key.',
    },
  ]);

/** No key at all. */
export const missingApiKey = (): GeminiFailure =>
  googleError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API " +
      'Key or other form of API consumer identity to call this API.',
  );

/** A request the API refuses before generating; `field` in the API's snake_case path form. */
export const invalidArgument = (message: string): GeminiFailure =>
  googleError(400, 'INVALID_ARGUMENT', message);

export const unknownField = (name: string, at: string): GeminiFailure => {
  const description = `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
  return googleError(400, 'INVALID_ARGUMENT', description, [
    {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: at, description }],
    },
  ]);
};
