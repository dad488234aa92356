/** Ollama's error answers: `{"error":"…"}` with an HTTP status, worded as the server words them. */
export interface OllamaFailure {
  status: number;
  error: string;
}

export const modelNotFound = (model: string): OllamaFailure => ({
  status: 404,
  error: `model "${model}" not found, try pulling it first`,
});

/** `fail-<status>` models answer with these. */
export const OLLAMA_FAILURES: Readonly<Record<string, OllamaFailure>> = {
  'fail-400': { status: 400, error: 'invalid message format: fake model fail-400 always rejects' },
  'fail-401': { status: 401, error: 'unauthorized' },
  'fail-404': modelNotFound('fail-404'),
  'fail-429': { status: 429, error: 'too many concurrent requests, please try again later' },
  'fail-500': {
    status: 500,
    error: 'model requires more system memory (9.1 GiB) than is available (6.2 GiB)',
  },
  'fail-503': { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' },
};

/** What a model says when it fails after it started answering, as a line of the stream. */
export const MID_STREAM_ERROR = 'an error was encountered while running the model: unexpected EOF';
