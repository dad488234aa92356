/** Wraps an async action so repeated calls share the first call's promise (idempotent `stop()`). */
export function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
