import type { BatchRequestOutput } from '@switchyard/contracts';

/**
 * What the results store keeps per line: its output line, and whether it belongs in the output
 * file (a response, whatever its status, as OpenAI does) or the error file (no response at all).
 */
export interface LineResult {
  line: number;
  /** `true` when the pipeline answered 2xx: counted as completed, else as failed. */
  succeeded: boolean;
  output: BatchRequestOutput;
}

/** The pipeline's answer to a line, as a result: any HTTP status it answered with is a response. */
export function answeredResult(
  line: number,
  customId: string,
  requestId: string,
  status: number,
  body: unknown,
): LineResult {
  return {
    line,
    succeeded: status >= 200 && status < 300,
    output: {
      id: `batch_req_${requestId}`,
      custom_id: customId,
      response: { status_code: status, request_id: requestId, body },
      error: null,
    },
  };
}

/** A line the pipeline never answered (every try timed out, or the batch expired first). */
export function unansweredResult(
  line: number,
  customId: string,
  requestId: string,
  code: string,
  message: string,
): LineResult {
  return {
    line,
    succeeded: false,
    output: { id: `batch_req_${requestId}`, custom_id: customId, response: null, error: { code, message } },
  };
}

export interface AssembledOutput {
  /** JSONL of the lines answered with 2xx, in input order; empty when none. */
  output: string;
  /** JSONL of the lines answered with an error or not at all, in input order; empty when none. */
  errors: string;
  completed: number;
  failed: number;
}

/**
 * The batch's output and error files from its line results, each in the input file's order
 * (`results` may come in any order). OpenAI puts the non-2xx responses in the error file as well.
 */
export function assembleOutput(results: Iterable<LineResult>): AssembledOutput {
  const sorted = [...results].sort((a, b) => a.line - b.line);
  const ok = sorted.filter((r) => r.succeeded);
  const bad = sorted.filter((r) => !r.succeeded);
  const jsonl = (rs: LineResult[]) => rs.map((r) => `${JSON.stringify(r.output)}\n`).join('');
  return { output: jsonl(ok), errors: jsonl(bad), completed: ok.length, failed: bad.length };
}
