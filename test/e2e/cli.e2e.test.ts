import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let gateway: ChildProcess | undefined;

afterAll(() => {
  gateway?.kill('SIGKILL');
});

/** Runs the CLI as `npm start` does (from TypeScript sources here, so no build is needed). */
function startCli(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  banner: Promise<string>;
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', 'apps/switchyard/src/main.ts'],
    {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', ...env },
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const banner = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner after 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      if (out.includes('stream.')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before the banner:\n${out}`)));
  });
  return { child, output: () => out, banner };
}

describe('npm start (the switchyard CLI, all services in one process)', () => {
  it('starts its own NATS, prints a dev key and a curl command that works, and stops cleanly on SIGTERM', async () => {
    const cli = startCli({ PORT: '0', TELEMETRY_PORT: '0' });
    gateway = cli.child;
    const banner = await cli.banner;

    const key = /sk-sy-dev-[A-Za-z0-9_-]+/.exec(banner)?.[0];
    expect(key).toBeDefined();
    const curl = banner
      .slice(banner.indexOf('curl '))
      .split('\n')
      .slice(0, 3)
      .join('\n')
      .replace(/\\\n/g, ' ');
    const { stdout } = await promisify(execFile)('bash', ['-c', `${curl} -sS --fail-with-body`]);
    const answer = JSON.parse(stdout) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).toContain('You said: Hello!');

    const exited = new Promise<number | null>((resolve) => cli.child.once('exit', resolve));
    cli.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
