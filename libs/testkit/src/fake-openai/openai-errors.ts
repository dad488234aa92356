/** OpenAI's error body, `{error:{message,type,param,code}}`, as its API sends it (ErrorResponse). */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A canned HTTP failure: status, body and any headers that clients act on (retry-after). */
export interface FakeFailure {
  status: number;
  body: OpenAIErrorBody;
  headers?: Record<string, string>;
}

export function openAIError(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/**
 * `fail-<status>` models answer with these, wording and types copied from the API's documented
 * errors, so adapters can be tested on the exact bodies they must map.
 */
export const FAILURES: Readonly<Record<string, FakeFailure>> = {
  'fail-400': {
    status: 400,
    body: openAIError(
      "Invalid value for 'messages': fake model fail-400 always rejects.",
      'invalid_request_error',
    ),
  },
  'fail-401': { status: 401, body: incorrectApiKey('sk-fake').body },
  'fail-403': {
    status: 403,
    body: openAIError(
      'Country, region, or territory not supported',
      'request_forbidden',
      'unsupported_country_region_territory',
    ),
  },
  'fail-404': {
    status: 404,
    body: openAIError(
      'The model `fail-404` does not exist or you do not have access to it.',
      'invalid_request_error',
      'model_not_found',
    ),
  },
  'fail-429': {
    status: 429,
    headers: { 'retry-after': '1', 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0' },
    body: openAIError(
      'Rate limit reached for fail-429 in organization org-fake on requests per min (RPM): Limit 3, Used 3, ' +
        'Requested 1. Please try again in 1s.',
      'requests',
      'rate_limit_exceeded',
    ),
  },
  'fail-500': { status: 500, body: serverError() },
  'fail-502': { status: 502, body: openAIError('Bad gateway.', 'server_error') },
  'fail-503': {
    status: 503,
    body: openAIError('The engine is currently overloaded, please try again later.', 'server_error'),
  },
};

export function serverError(): OpenAIErrorBody {
  return openAIError(
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
  );
}

export function incorrectApiKey(provided: string | undefined): FakeFailure {
  const message = provided
    ? `Incorrect API key provided: ${redact(provided)}. You can find your API key at https://platform.openai.com/account/api-keys.`
    : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
  return { status: 401, body: openAIError(message, 'invalid_request_error', 'invalid_api_key') };
}

export function invalidUrl(method: string, path: string): FakeFailure {
  return { status: 404, body: openAIError(`Invalid URL (${method} ${path})`, 'invalid_request_error') };
}

export function malformedJson(): FakeFailure {
  return {
    status: 400,
    body: openAIError(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
        'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
      'invalid_request_error',
    ),
  };
}

export function missingParameter(param: string): FakeFailure {
  return {
    status: 400,
    body: openAIError(
      `Missing required parameter: '${param}'.`,
      'invalid_request_error',
      'missing_required_parameter',
      param,
    ),
  };
}

// The API echoes only the ends of a wrong key, never the whole secret.
function redact(key: string): string {
  return key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}
