/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits. A second signal exits at once, for an
 * operator who does not want to wait for the drain.
 */
export function onShutdownSignal(shutdown: (signal: string) => Promise<void>, exit = process.exit): void {
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return exit(130);
    shuttingDown = true;
    shutdown(signal).then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
