import type { FakeResponse } from './fake-response.js';

/** A Bedrock error answer: the exception name (sent in `x-amzn-errortype`), HTTP status and message. */
export interface BedrockFailure {
  type: string;
  status: number;
  message: string;
}

/**
 * `fail-…` models answer with these: exception names, statuses and wording as Bedrock's runtime
 * API documents and sends them, so adapters are tested on the exact answers they must map.
 */
export const FAILURES: Readonly<Record<string, BedrockFailure>> = {
  'fail-400': {
    type: 'ValidationException',
    status: 400,
    message:
      'Malformed input request: fake model fail-400 always rejects, please reformat your input and try again.',
  },
  'fail-400-context': {
    type: 'ValidationException',
    status: 400,
    message: 'Input is too long for requested model.',
  },
  'fail-403': {
    type: 'AccessDeniedException',
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  'fail-404': {
    type: 'ResourceNotFoundException',
    status: 404,
    message: 'Could not resolve the foundation model from model identifier: fail-404.',
  },
  'fail-408': {
    type: 'ModelTimeoutException',
    status: 408,
    message: 'Model has timed out in processing the request. Try your request again.',
  },
  'fail-424': {
    type: 'ModelErrorException',
    status: 424,
    message: 'The model returned an error: fake failure.',
  },
  'fail-429': {
    type: 'ThrottlingException',
    status: 429,
    message: 'Too many requests, please wait before trying again.',
  },
  'fail-429-not-ready': {
    type: 'ModelNotReadyException',
    status: 429,
    message: 'Model is not ready for inference. Wait and try your request again.',
  },
  'fail-quota': {
    type: 'ServiceQuotaExceededException',
    status: 400,
    message: 'Your request exceeds the service quota for your account 123456789012.',
  },
  'fail-500': {
    type: 'InternalServerException',
    status: 500,
    message: 'The server encountered an internal error while processing the request.',
  },
  'fail-503': {
    type: 'ServiceUnavailableException',
    status: 503,
    message: 'Bedrock is unable to process your request.',
  },
};

export const validationError = (message: string): BedrockFailure => ({
  type: 'ValidationException',
  status: 400,
  message,
});

export const unknownOperation = (): BedrockFailure => ({
  type: 'UnknownOperationException',
  status: 404,
  message: 'The requested operation is not recognized by the service.',
});

/** AWS's auth failures are all 403, told apart by their exception name. */
export const authFailure = (type: string, message: string): BedrockFailure => ({
  type,
  status: 403,
  message,
});

/** Bedrock's error shape: `{message}` with the exception name in `x-amzn-errortype`. */
export function sendBedrockError(res: FakeResponse, failure: BedrockFailure, requestId: string): void {
  const text = JSON.stringify({ message: failure.message });
  res.writeHead(failure.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': `${failure.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  });
  res.end(text);
}

export function sendBedrockJson(res: FakeResponse, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}
