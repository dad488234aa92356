import { BatchRequestInput, type BatchEndpoint, type BatchError } from '@switchyard/contracts';

/** A validated line, numbered from 0 in file order. */
export interface BatchLine extends BatchRequestInput {
  line: number;
}

export type ParsedInput = { ok: true; lines: BatchLine[] } | { ok: false; errors: BatchError[] };

/** Errors reported at most per file, as OpenAI caps its list: enough to fix a file, not a flood. */
const MAX_ERRORS = 100;

const failure = (code: string, message: string, line: number | null, param: string | null = null) => ({
  code,
  message,
  param,
  line,
});

/**
 * Reads a batch input file (JSONL) and checks every line the way OpenAI's validation does: each
 * line a `BatchRequestInput` for the batch's endpoint, not streamed, with a `custom_id` unique in
 * the file. Any bad line refuses the whole batch (status `failed`, the problems in `errors`, lines
 * numbered from 1); the bodies themselves are validated by the pipeline, line by line.
 */
export function parseBatchInput(text: string, endpoint: BatchEndpoint, maxRequests: number): ParsedInput {
  const errors: BatchError[] = [];
  const lines: BatchLine[] = [];
  const seen = new Set<string>();
  const rows = text.split('\n');
  for (let i = 0; i < rows.length && errors.length < MAX_ERRORS; i++) {
    const row = rows[i]!.trim();
    if (row === '') continue;
    const lineNo = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(row);
    } catch {
      errors.push(failure('invalid_json_line', 'This line is not valid JSON.', lineNo));
      continue;
    }
    const parsed = BatchRequestInput.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.join('.') || null;
      errors.push(failure('invalid_request', `Invalid ${param ?? 'line'}: ${issue.message}`, lineNo, param));
      continue;
    }
    const request = parsed.data;
    if (request.url !== endpoint) {
      errors.push(
        failure(
          'mismatched_endpoint',
          `The line's url ${request.url} is not the batch's endpoint ${endpoint}.`,
          lineNo,
          'url',
        ),
      );
    } else if (request.body['stream'] === true) {
      errors.push(failure('invalid_request', 'Batch requests cannot be streamed.', lineNo, 'body.stream'));
    } else if (seen.has(request.custom_id)) {
      errors.push(
        failure(
          'duplicate_custom_id',
          `The custom_id ${request.custom_id} appears more than once.`,
          lineNo,
          'custom_id',
        ),
      );
    } else {
      seen.add(request.custom_id);
      lines.push({ ...request, line: lines.length });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (lines.length === 0)
    return { ok: false, errors: [failure('empty_file', 'The input file has no requests.', null)] };
  if (lines.length > maxRequests)
    return {
      ok: false,
      errors: [
        failure(
          'too_many_requests',
          `A batch holds at most ${maxRequests} requests; this one has ${lines.length}.`,
          null,
        ),
      ],
    };
  return { ok: true, lines };
}
