export interface ShutdownOptions {
  /**
   * A shutdown that has not finished by then exits anyway (code 1): a drain can hang when the
   * NATS server went away first, and an orchestrator's kill should not be the only way out.
   */
  hardLimitMs?: number;
  exit?: (code: number) => void;
}

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits. A second signal exits at once, for an
 * operator who does not want to wait for the drain.
 */
export function onShutdownSignal(
  shutdown: (signal: string) => Promise<void>,
  { hardLimitMs = 30_000, exit = process.exit }: ShutdownOptions = {},
): void {
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return exit(130);
    shuttingDown = true;
    setTimeout(() => exit(1), hardLimitMs).unref();
    shutdown(signal).then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
