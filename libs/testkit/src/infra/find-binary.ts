import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Finds an executable on PATH, then in the given fallback locations. Debian installs nats-server
 * in /usr/sbin, which is not on a normal user's PATH, hence the fallbacks.
 */
export function findBinary(name: string, fallbacks: readonly string[] = []): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [...dirs.map((dir) => join(dir, name)), ...fallbacks];
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
