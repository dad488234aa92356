import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Signals are process-wide, so each case runs onShutdownSignal in its own child process, as a
// service's main.ts does, and sends it real signals.
const repoRoot = join(import.meta.dirname, '..', '..', '..');

interface Child {
  /** Resolves once stdout has printed `text`. */
  printed(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    ms: number;
  }>;
}

function run(body: string): Child {
  const script = `import { onShutdownSignal } from '@switchyard/bus';\n${body}`;
  const child = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let signalledAt = 0;
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const exited = new Promise<Awaited<Child['exited']>>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - signalledAt });
    }),
  );
  return {
    printed: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then((r) => reject(new Error(`exited before printing ${text}: ${r.stdout} ${r.stderr}`)));
      }),
    kill: (signal) => {
      signalledAt ||= Date.now();
      child.kill(signal);
    },
    exited,
  };
}

// A service: registers the handler, stays alive, and shuts down slowly enough to be interrupted.
const service = (shutdownMs: number, outcome = 'resolve'): string => `
  onShutdownSignal(async (signal) => {
    process.stdout.write('stopping ' + signal + '\\n');
    await new Promise((r) => setTimeout(r, ${shutdownMs}));
    process.stdout.write('stopped\\n');
    if ('${outcome}' === 'reject') throw new Error('drain failed');
  });
  setInterval(() => {}, 1000);
  process.stdout.write('ready\\n');
`;

describe('onShutdownSignal', () => {
  it('on SIGTERM runs the async shutdown to its end, then exits 0', async () => {
    const child = run(service(300));
    await child.printed('ready');
    child.kill('SIGTERM');
    const result = await child.exited;
    expect(result.stdout).toContain('stopping SIGTERM');
    expect(result.stdout).toContain('stopped');
    expect(result.code).toBe(0);
    expect(result.ms).toBeGreaterThanOrEqual(250);
  });

  it('on SIGINT (Ctrl-C) does the same', async () => {
    const child = run(service(50));
    await child.printed('ready');
    child.kill('SIGINT');
    const result = await child.exited;
    expect(result.stdout).toContain('stopping SIGINT');
    expect(result.stdout).toContain('stopped');
    expect(result.code).toBe(0);
  });

  it('exits 1 when the shutdown fails, so a supervisor sees it', async () => {
    const child = run(service(10, 'reject'));
    await child.printed('ready');
    child.kill('SIGTERM');
    const result = await child.exited;
    expect(result.stdout).toContain('stopped');
    expect(result.code).toBe(1);
  });

  it('a second signal during the shutdown exits at once with 130', async () => {
    const child = run(service(10_000));
    await child.printed('ready');
    child.kill('SIGTERM');
    await child.printed('stopping SIGTERM');
    child.kill('SIGINT');
    const result = await child.exited;
    expect(result.code).toBe(130);
    expect(result.stdout).not.toContain('stopped');
    expect(result.ms).toBeLessThan(5_000);
  });

  it('with an injected exit, a second signal exits 130 and never runs the shutdown twice', async () => {
    // The `exit` parameter is the seam for callers that must not end the process themselves.
    const child = run(`
      const exits = [];
      let shutdowns = 0;
      onShutdownSignal(async () => {
        shutdowns++;
        await new Promise((r) => setTimeout(r, 200));
      }, { exit: (code) => { exits.push(code); } });
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
      setTimeout(() => {
        process.stdout.write(JSON.stringify({ shutdowns, exits }) + '\\n');
        process.exit(0);
      }, 600);
    `);
    const result = await child.exited;
    const report = JSON.parse(result.stdout.trim()) as { shutdowns: number; exits: number[] };
    expect(report.exits[0]).toBe(130);
    expect(report.shutdowns).toBe(1);
  });

  it('exits 1 at the hard limit when the shutdown hangs (e.g. NATS gone mid-drain)', async () => {
    const child = run(`
      onShutdownSignal(() => new Promise(() => {}), { hardLimitMs: 300 });
      setInterval(() => {}, 1000);
      process.stdout.write('ready\\n');
    `);
    await child.printed('ready');
    child.kill('SIGTERM');
    const result = await child.exited;
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(3_000);
  });
});
