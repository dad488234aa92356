import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { once } from './once.js';

export interface LocalProcess {
  /** Resolves with a description ("exit code 1", "signal SIGTERM") once the process has exited. */
  readonly exited: Promise<string>;
  /** The last few KB of stdout+stderr, to explain a failed start. */
  output(): string;
  /** Resolves once the process prints a line matching `pattern` (checked as output arrives). */
  printed(pattern: RegExp): Promise<void>;
  /** SIGTERM, then SIGKILL after `killAfterMs`; waits for exit, then removes `cleanupDir`. */
  stop(): Promise<void>;
}

export interface SpawnLocalOptions {
  /** A temp directory owned by this process (config, data); removed once it has exited. */
  cleanupDir?: string;
  killAfterMs?: number;
}

const OUTPUT_LIMIT = 4096;

// One 'exit' hook for all children rather than one listener each (which would trip
// MaxListenersExceededWarning in a busy test file). 'exit' handlers must be synchronous.
const live = new Set<() => void>();
let hooked = false;
function killOnExit(kill: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => live.forEach((k) => k()));
  }
  live.add(kill);
  return () => live.delete(kill);
}

/**
 * Spawns a server binary owned by the test process. A forgotten `stop()` must not leave servers
 * behind nor keep the test runner alive, so the child is unref'd and SIGKILLed when we exit.
 */
export function spawnLocal(
  binary: string,
  args: readonly string[],
  options: SpawnLocalOptions = {},
): LocalProcess {
  const { cleanupDir, killAfterMs = 5000 } = options;
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<{ pattern: RegExp; resolve: () => void }>();
  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (waiter.pattern.test(output)) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  const capture = (data: Buffer): void => {
    output = (output + data.toString('utf8')).slice(-OUTPUT_LIMIT);
    settleWaiters();
  };
  const printed = (pattern: RegExp): Promise<void> =>
    new Promise((resolve) => {
      waiters.add({ pattern, resolve });
      settleWaiters();
    });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', capture);
    (stream as Partial<Socket>).unref?.();
  }
  child.unref();

  const forget = killOnExit(() => {
    child.kill('SIGKILL');
    if (cleanupDir) rmSync(cleanupDir, { recursive: true, force: true });
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`failed to spawn: ${err.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
  });
  void exited.then(forget);

  const stop = once(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(timer);
    }
    if (cleanupDir) await rm(cleanupDir, { recursive: true, force: true });
  });

  return { exited, output: () => output, printed, stop };
}
