/**
 * Which providers this worker process serves: `--provider openai --provider groq` (or
 * `--provider=openai,groq`), else `WORKER_PROVIDERS=openai,groq`; undefined means every one.
 */
export function parseWorkerProviders(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] | undefined {
  const fromArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--provider' || arg === '--providers') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a provider id.`);
      fromArgs.push(...splitList(value));
    } else if (arg.startsWith('--provider=') || arg.startsWith('--providers=')) {
      fromArgs.push(...splitList(arg.slice(arg.indexOf('=') + 1)));
    } else {
      throw new Error(`Unknown argument ${arg}. Usage: worker [--provider <id>]...`);
    }
  }
  if (fromArgs.length > 0) return fromArgs;
  const fromEnv = splitList(env['WORKER_PROVIDERS'] ?? '');
  return fromEnv.length > 0 ? fromEnv : undefined;
}

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
