import { existsSync } from 'node:fs';

/**
 * A cheap guess at whether a Docker engine is reachable, made before paying for the testcontainers
 * import (which is slow and probes the engine itself). A false positive costs one failed attempt
 * and a fallback to local binaries; see `startService`.
 */
export function hasDockerEngine(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}
