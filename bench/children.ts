import { spawn, type ChildProcess } from 'node:child_process';

/** Output kept per child for error messages: enough to show why it died, never unbounded. */
const TAIL_CHARS = 16_384;

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last output of the child, stdout and stderr interleaved. */
  tail(): string;
  /** Resolves with the first match of `pattern` in the child's output; rejects if it exits or times out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/**
 * Every process the bench starts, so that all of them go away with it: on a normal end, on an
 * error, and on Ctrl-C. A child that ignores SIGTERM is killed after a grace period.
 */
export class Children {
  private readonly all: Child[] = [];

  constructor() {
    // The last resort if the bench dies without stopping them: 'exit' handlers must be synchronous.
    process.once('exit', () => {
      for (const child of this.all) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    });
  }

  spawn(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string },
  ): Child {
    const proc = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    let out = '';
    const watchers = new Set<() => void>();
    // Output is always drained (a full pipe would stall the child) and only its tail kept.
    const onData = (data: Buffer) => {
      out = (out + data.toString()).slice(-TAIL_CHARS);
      for (const watcher of watchers) watcher();
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.stdin.on('error', () => {});
    const child: Child = {
      name,
      pid: proc.pid,
      process: proc,
      tail: () => out,
      waitFor: (pattern, timeoutMs = 30_000) =>
        new Promise((resolve, reject) => {
          const done = () => {
            clearTimeout(timer);
            watchers.delete(check);
            proc.off('exit', onExit);
          };
          const check = () => {
            const match = pattern.exec(out);
            if (match) {
              done();
              resolve(match);
            }
          };
          const onExit = (code: number | null, signal: string | null) => {
            done();
            reject(new Error(`${name} exited (${signal ?? code}) before ${pattern}:\n${out}`));
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`${name}: no ${pattern} after ${timeoutMs} ms:\n${out}`));
          }, timeoutMs);
          watchers.add(check);
          proc.once('exit', onExit);
          check();
        }),
    };
    this.all.push(child);
    return child;
  }

  /** Every child still alive, with its pid (for CPU and memory sampling). */
  running(): Child[] {
    return this.all.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all(this.running().map((child) => stop(child, graceMs)));
  }
}

/** Waits for a child to exit on its own, killing it after `timeoutMs`. */
export function exited(child: Child, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null)
      return resolve(child.process.exitCode);
    const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
    child.process.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function stop(child: Child, graceMs: number): Promise<unknown> {
  const exit = exited(child, graceMs);
  child.process.kill('SIGTERM');
  return exit;
}
