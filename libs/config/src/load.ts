import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { defaultDocument } from './defaults.js';
import { interpolate } from './interpolate.js';
import { SwitchyardConfig } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const formatIssues = (source: string, error: z.ZodError): string =>
  `Invalid config (${source}):\n` +
  error.issues
    .map(
      (i) =>
        `  - ${
          i.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .slice(1) || '(root)'
        }: ${i.message}`,
    )
    .join('\n');

/** Validates a config document (already parsed and interpolated). */
export function parseConfig(document: unknown, source = 'config'): SwitchyardConfig {
  const result = SwitchyardConfig.safeParse(document ?? {});
  if (!result.success) throw new ConfigError(formatIssues(source, result.error));
  return result.data;
}

/**
 * The config a service runs with: the YAML file at `SWITCHYARD_CONFIG` with `${ENV}` interpolated,
 * or else the built-in defaults (the demo provider and any provider whose key is in `env`).
 * `HOST`, `PORT`, `TELEMETRY_PORT`, `SWITCHYARD_MASTER_KEY`, `REDIS_URL` and
 * `SWITCHYARD_SIGNING_SECRET` override the file.
 */
export function loadConfig(env: Env): SwitchyardConfig {
  const path = env['SWITCHYARD_CONFIG'];
  let document: Record<string, unknown>;
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new ConfigError(`Cannot read config file ${path}: ${(cause as Error).message}`, { cause });
    }
    try {
      document = (interpolate(parseYaml(text), env) ?? {}) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`Invalid config (${path}): ${(cause as Error).message}`, { cause });
    }
  } else {
    document = defaultDocument(env);
  }
  const server = { ...((document['server'] as object | undefined) ?? {}) } as Record<string, unknown>;
  if (env['HOST']) server['host'] = env['HOST'];
  if (env['PORT']) server['port'] = Number(env['PORT']);
  document = { ...document, server };
  if (env['TELEMETRY_PORT']) {
    document['telemetry'] = {
      ...((document['telemetry'] as object | undefined) ?? {}),
      port: Number(env['TELEMETRY_PORT']),
    };
  }
  if (env['SWITCHYARD_MASTER_KEY']) document['master_key'] = env['SWITCHYARD_MASTER_KEY'];
  if (env['REDIS_URL']) document['redis'] = { url: env['REDIS_URL'] };
  if (env['SWITCHYARD_SIGNING_SECRET']) {
    document['policy'] = {
      ...((document['policy'] as object | undefined) ?? {}),
      signing_secret: env['SWITCHYARD_SIGNING_SECRET'],
    };
  }
  return parseConfig(document, path ?? 'defaults');
}
