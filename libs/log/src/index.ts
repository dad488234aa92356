import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  /** Pretty, human lines: only for a terminal, never for a collector. */
  pretty?: boolean;
}

/**
 * JSON logs to stdout. Anything that could carry a secret is redacted at the logger, so no call
 * site has to remember it.
 */
export function createLogger({ name, level = 'info', pretty = false }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'api_key',
        '*.api_key',
        'apiKey',
        '*.apiKey',
        'key',
        '*.key',
        'master_key',
        '*.master_key',
        // A whole config, logged as `config` or at the top: provider keys and virtual key secrets.
        'providers.*.api_key',
        '*.providers.*.api_key',
        'keys[*].key',
        '*.keys[*].key',
      ],
      censor: '[redacted]',
    },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino(options);
}
