import type { BusLogger } from '@switchyard/bus';

/** The bus helpers' logger for test processes: tests assert on behaviour, not on log lines. */
export const silentLog: BusLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
