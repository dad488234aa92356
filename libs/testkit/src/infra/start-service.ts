import type { ServiceHandle } from '../service-handle.js';
import { hasDockerEngine } from './docker-engine.js';
import { findBinary } from './find-binary.js';

/** How to get one kind of infrastructure (NATS, Redis) in each of the three ways the kit knows. */
export interface ServiceRecipe<H extends ServiceHandle = ServiceHandle> {
  /** Human name for messages, e.g. "NATS". */
  name: string;
  /** Env var that points at an already running server, e.g. NATS_URL. */
  envVar: string;
  binary: { name: string; fallbacks: readonly string[]; debianPackage: string };
  startContainer(): Promise<H>;
  startLocal(binaryPath: string): Promise<H>;
  /** The handle of a server someone else runs (the env var's): ours neither to stop nor start. */
  external(url: string): H;
  /** A URL shape for the "set X_URL" hint. */
  exampleUrl: string;
}

export interface StartServiceOptions {
  /** Start a server of our own even if the env var is set (tests that kill or restart it). */
  ignoreEnv?: boolean;
}

const LOCAL_ATTEMPTS = 3;

/**
 * env var → Docker (testcontainers) → local binary → a loud error. Never skips: a test that needs
 * NATS and silently does not run is worse than a red build that says what to install.
 */
export async function startService<H extends ServiceHandle>(
  recipe: ServiceRecipe<H>,
  options: StartServiceOptions = {},
): Promise<H> {
  const fromEnv = process.env[recipe.envVar];
  if (fromEnv && !options.ignoreEnv) return recipe.external(fromEnv);

  let dockerFailure: unknown;
  if (hasDockerEngine()) {
    try {
      return await recipe.startContainer();
    } catch (err) {
      // A stale socket or a daemon without network: fall back to a local binary if there is one.
      dockerFailure = err;
    }
  }

  const binary = findBinary(recipe.binary.name, recipe.binary.fallbacks);
  if (binary) return startLocalWithRetry(recipe, binary);

  const docker = dockerFailure
    ? `the Docker engine failed (${errorMessage(dockerFailure)})`
    : 'no Docker engine answered (DOCKER_HOST unset, no /var/run/docker.sock)';
  const where = ['PATH', ...recipe.binary.fallbacks].join(', ');
  throw new Error(
    `Cannot start ${recipe.name} for tests: ${recipe.envVar} is not set, ${docker}, ` +
      `and no ${recipe.binary.name} binary was found (looked in ${where}). ` +
      `Fix: install it (apt-get install ${recipe.binary.debianPackage}), ` +
      `or point ${recipe.envVar} at a running server (${recipe.envVar}=${recipe.exampleUrl}).`,
    { cause: dockerFailure },
  );
}

// The free port is released before the server binds it, so a parallel test file can take it first;
// a fresh port on the next attempt makes that race harmless.
async function startLocalWithRetry<H extends ServiceHandle>(
  recipe: ServiceRecipe<H>,
  binary: string,
): Promise<H> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= LOCAL_ATTEMPTS; attempt++) {
    try {
      return await recipe.startLocal(binary);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(
    `Could not start local ${recipe.binary.name} (${binary}) after ${LOCAL_ATTEMPTS} attempts`,
    {
      cause: lastError,
    },
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
