/**
 * Azure OpenAI's error bodies, worded as its API sends them. Azure's own failures (auth, routing,
 * quota) use `{error:{code,message}}` with the status as the code; model failures are OpenAI's.
 */
export interface AzureFailure {
  status: number;
  body: { error: Record<string, unknown> };
  headers?: Record<string, string>;
}

const azureError = (status: number, code: string, message: string, headers?: Record<string, string>) => ({
  status,
  body: { error: { code, message } },
  ...(headers ? { headers } : {}),
});

const openAIError = (status: number, message: string, type: string, param: string | null = null) => ({
  status,
  body: { error: { message, type, param, code: null } },
});

export const resourceNotFound = (): AzureFailure => azureError(404, '404', 'Resource not found');

export const accessDenied = (): AzureFailure =>
  azureError(
    401,
    '401',
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key ' +
      'for an active subscription and use a correct regional API endpoint for your resource.',
  );

export const deploymentNotFound = (): AzureFailure =>
  azureError(
    404,
    'DeploymentNotFound',
    'The API deployment for this resource does not exist. If you created the deployment within the last ' +
      '5 minutes, please wait a moment and try again.',
  );

export const malformedBody = (): AzureFailure =>
  openAIError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');

/** A prompt blocked by the content filter: 400 `content_filter` with the verdict per category. */
export const contentFiltered = (): AzureFailure => ({
  status: 400,
  body: {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. " +
        'Please modify your prompt and retry. To learn more about our content filtering policies please read ' +
        'our documentation: https://go.microsoft.com/fwlink/?linkid=2198766',
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: {
          hate: { filtered: false, severity: 'safe' },
          jailbreak: { filtered: false, detected: false },
          self_harm: { filtered: false, severity: 'safe' },
          sexual: { filtered: false, severity: 'safe' },
          violence: { filtered: true, severity: 'high' },
        },
      },
    },
  },
});

/** Azure's 429, naming the operation as Azure does (`ChatCompletions_Create`, `Embeddings_Create`). */
export const rateLimited = (operation: string): AzureFailure =>
  azureError(
    429,
    '429',
    `Requests to the ${operation} Operation under Azure OpenAI API version 2024-10-21 have exceeded ` +
      'token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.',
    { 'retry-after': '1', 'retry-after-ms': '1000', 'x-ratelimit-remaining-requests': '0' },
  );

/** `fail-<status>` deployments answer with these. */
export const AZURE_FAILURES: Readonly<Record<string, AzureFailure>> = {
  'fail-400': openAIError(
    400,
    "Invalid value for 'messages': fake deployment fail-400 always rejects.",
    'invalid_request_error',
    'messages',
  ),
  'fail-401': accessDenied(),
  'fail-404': deploymentNotFound(),
  'fail-429': rateLimited('ChatCompletions_Create'),
  'fail-500': openAIError(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
  ),
  'fail-503': openAIError(503, 'The service is temporarily unable to process your request.', 'server_error'),
  'content-filter': contentFiltered(),
};
