import { GatewayError } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { mapOpenAIError } from '../openai-compatible/errors.js';

interface ValidationDetail {
  loc?: unknown;
  msg?: unknown;
}

/** `["body","messages",0,"user","name"]` → `messages[0].user.name`. */
function toParam(loc: unknown): string | undefined {
  if (!Array.isArray(loc)) return undefined;
  const path = loc[0] === 'body' ? loc.slice(1) : loc;
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') ||
    undefined
  );
}

/** Pydantic's validation details (Mistral's 422) as one line, and the first field at fault. */
function readDetails(details: unknown): { message: string; param: string | undefined } | undefined {
  if (!Array.isArray(details) || details.length === 0) return undefined;
  const lines = (details as ValidationDetail[]).map((d) => {
    const param = toParam(d.loc);
    return param ? `${param}: ${String(d.msg)}` : String(d.msg);
  });
  return { message: lines.join('; '), param: toParam((details[0] as ValidationDetail).loc) };
}

const CONTEXT_TOO_LONG = /too large for model with \d+ maximum context length|context length/i;

/**
 * Mistral's error bodies, `{object:"error", message, type, code}` where `message` may be text
 * or a validation report, read into OpenAI's shape and mapped by status like any
 * OpenAI-compatible error. An unknown model is a 400 `invalid_model` there: 404 here.
 */
export function mapMistralError(providerId: string, failure: UpstreamFailure): GatewayError {
  let json: unknown;
  try {
    json = JSON.parse(failure.body);
  } catch {
    return mapOpenAIError(providerId, failure);
  }
  if (!isRecord(json)) return mapOpenAIError(providerId, failure);
  const raw = json['message'] ?? json['detail'];
  const report = readDetails(isRecord(raw) ? raw['detail'] : raw);
  const message = typeof raw === 'string' ? raw : report?.message;
  const type = typeof json['type'] === 'string' ? json['type'] : undefined;
  if (type === 'invalid_model') {
    return new GatewayError(
      'model_not_found',
      message ?? `Provider ${providerId} does not serve the requested model.`,
      {
        provider: providerId,
      },
    );
  }
  const code = message && CONTEXT_TOO_LONG.test(message) ? 'context_length_exceeded' : null;
  const error = { message, type, param: report?.param ?? json['param'] ?? null, code };
  return mapOpenAIError(providerId, { ...failure, body: JSON.stringify({ error }) });
}
