import { readKey } from './session.js';

/** An admin API refusal, with OpenAI's error message and the field it names. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { message?: string; param?: string | null };
}

/**
 * One admin API call with the signed-in key. Everything the console shows or changes goes through
 * here: the console has no privilege of its own.
 */
export async function api<T>(method: string, path: string, body?: unknown, key = readKey()): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(key !== null && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'The gateway did not answer.');
  }
  const json = (await res.json().catch(() => undefined)) as (T & ErrorBody) | undefined;
  if (res.ok) return json as T;
  const error = json?.error;
  throw new ApiError(
    res.status,
    error?.message ?? `The gateway answered ${res.status}.`,
    error?.param ?? undefined,
  );
}

/** A query string from the filters that are set. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') q.set(name, String(value));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
