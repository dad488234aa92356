/**
 * The providers a worker process serves: those asked for, or every configured one. A name the
 * config does not know fails the start, so a typo in `--provider` is not a silent idle worker.
 */
export function selectProviders(
  configured: readonly string[],
  requested: readonly string[] | undefined,
): string[] {
  if (requested === undefined || requested.length === 0) {
    if (configured.length === 0)
      throw new Error('The config defines no providers: a worker has nothing to serve.');
    return [...configured];
  }
  const unknown = requested.filter((id) => !configured.includes(id));
  if (unknown.length > 0) {
    const known = configured.length ? configured.join(', ') : 'none';
    throw new Error(
      `Unknown provider ${unknown.map((id) => `"${id}"`).join(', ')}: the config defines ${known}.`,
    );
  }
  return [...new Set(requested)];
}
