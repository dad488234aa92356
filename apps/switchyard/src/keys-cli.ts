import { parseArgs } from 'node:util';
import type { Env } from '@switchyard/config';

export const KEYS_USAGE = `Usage: switchyard keys <command> [options]     (the admin API of a running gateway)

  keys create [<id>] [--team <id>] [--models <glob,...>] [limits] [budget] [--expires-at <ISO date>] [--meta k=v ...]
                  prints the new key's secret: it is shown this once
  keys list [--team <id>]
  keys get <id>
  keys update <id> [the create options] [--clear team|limits|budget|expires_at ...]
  keys revoke <id>

  teams create <id> [--models <glob,...>] [limits] [budget] [--meta k=v ...]
  teams list | teams get <id> | teams delete <id>
  teams update <id> [the create options] [--clear models|limits|budget ...]

  limits: --rpm <n> --tpm <n> --max-concurrency <n>    (given together: they replace the limits)
  budget: --budget-usd <amount> [--budget-period daily|monthly|total]

Environment: SWITCHYARD_URL (default http://127.0.0.1:8080), SWITCHYARD_MASTER_KEY (required).
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

type Resource = 'keys' | 'teams';

class UsageError extends Error {}

const OPTIONS = {
  team: { type: 'string' },
  models: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'max-concurrency': { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-period': { type: 'string' },
  'expires-at': { type: 'string' },
  meta: { type: 'string', multiple: true },
  clear: { type: 'string', multiple: true },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function number(values: Values, name: 'rpm' | 'tpm' | 'max-concurrency' | 'budget-usd'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${name} must be a number, not '${text}'`);
  return n;
}

/** The request body the flags describe; the gateway validates the values. */
function bodyOf(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.team !== undefined) body['team'] = values.team;
  if (values.models !== undefined) body['models'] = values.models.split(',').map((m) => m.trim());
  const limits = {
    rpm: number(values, 'rpm'),
    tpm: number(values, 'tpm'),
    max_concurrency: number(values, 'max-concurrency'),
  };
  if (Object.values(limits).some((v) => v !== undefined)) body['limits'] = limits;
  const maxUsd = number(values, 'budget-usd');
  if (maxUsd !== undefined) body['budget'] = { max_usd: maxUsd, period: values['budget-period'] };
  else if (values['budget-period'] !== undefined) throw new UsageError('--budget-period needs --budget-usd');
  if (values['expires-at'] !== undefined) body['expires_at'] = values['expires-at'];
  if (values.meta !== undefined) {
    body['metadata'] = Object.fromEntries(
      values.meta.map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new UsageError(`--meta takes key=value, not '${pair}'`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );
  }
  for (const field of values.clear ?? []) body[field] = null;
  return body;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}

function callOf(resource: Resource, args: readonly string[]): Call {
  const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  const [command, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const base = `/admin/${resource}`;
  const one = (): string => {
    if (id === undefined) throw new UsageError(`${resource} ${command} needs an id`);
    return `${base}/${encodeURIComponent(id)}`;
  };
  switch (command) {
    case 'create':
      if (resource === 'teams' && id === undefined) throw new UsageError('teams create needs an id');
      return { method: 'POST', path: base, body: { ...(id !== undefined && { id }), ...bodyOf(values) } };
    case 'list':
      return {
        method: 'GET',
        path: values.team === undefined ? base : `${base}?team=${encodeURIComponent(values.team)}`,
      };
    case 'get':
      return { method: 'GET', path: one() };
    case 'update':
      return { method: 'PATCH', path: one(), body: bodyOf(values) };
    case resource === 'keys' ? 'revoke' : 'delete':
      return { method: 'DELETE', path: one() };
    default:
      throw new UsageError(
        command === undefined ? `${resource} needs a command` : `unknown command '${command}'`,
      );
  }
}

/**
 * `switchyard keys …` / `switchyard teams …`: one admin API call to a running gateway, its JSON
 * answer printed. Returns the exit code: 0 done, 1 refused by the gateway, 2 wrong usage.
 */
export async function runKeysCli(
  resource: Resource,
  args: readonly string[],
  env: Env,
  io: CliOutput,
): Promise<number> {
  const masterKey = env['SWITCHYARD_MASTER_KEY'];
  let call: Call;
  try {
    call = callOf(resource, args);
    if (!masterKey) throw new UsageError('set SWITCHYARD_MASTER_KEY to the gateway’s master key');
  } catch (err) {
    if (
      !(err instanceof UsageError) &&
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true
    )
      throw err;
    io.err(`switchyard ${resource}: ${(err as Error).message}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const url = `${(env['SWITCHYARD_URL'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')}${call.path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: call.method,
      headers: {
        authorization: `Bearer ${masterKey}`,
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
    });
  } catch (err) {
    io.err(
      `switchyard ${resource}: cannot reach the gateway at ${new URL(url).origin} (${(err as Error).message})\n`,
    );
    return 1;
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? text;
    io.err(`switchyard ${resource}: ${response.status}: ${message}\n`);
    return 1;
  }
  io.out(`${JSON.stringify(json, null, 2)}\n`);
  return 0;
}
