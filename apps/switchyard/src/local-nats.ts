import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

export interface LocalNats {
  url: string;
  stop(): Promise<void>;
}

const DEFAULT_PORT = 4222;
const READY_TIMEOUT_MS = 10_000;

export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor() {
    super(
      'NATS_URL is not set and no nats-server binary was found on PATH or in /usr/sbin.\n' +
        '  Install one:  apt-get install nats-server   (Debian/Ubuntu)\n' +
        '                brew install nats-server      (macOS)\n' +
        '  or point Switchyard at a running server:  NATS_URL=nats://host:4222 npm start',
    );
  }
}

/** Where to look for nats-server: PATH, then the sbin folders Debian and Homebrew use but users' PATH often lacks. */
export const natsSearchDirs = (path: string | undefined): string[] => [
  ...(path ?? '').split(delimiter).filter(Boolean),
  '/usr/sbin',
  '/usr/local/sbin',
];

function findNatsServer(dirs: readonly string[]): string | undefined {
  return dirs
    .map((dir) => join(dir, 'nats-server'))
    .find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** 4222 when it is free (so `nats` tools work with their defaults), else any free port. */
function pickPort(): Promise<number> {
  const tryListen = (port: number): Promise<number> =>
    new Promise((done, fail) => {
      const probe = createServer();
      probe.once('error', fail);
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => done(typeof address === 'object' && address ? address.port : port));
      });
    });
  return tryListen(DEFAULT_PORT).catch(() => tryListen(0));
}

/**
 * Starts a `nats-server` with JetStream for `npm start`, its data under `dataDir` (git-ignored),
 * with an 8 MB max payload so large requests fit on the bus. Stopped with the gateway.
 */
export async function startLocalNats(options: {
  dataDir: string;
  searchDirs: readonly string[];
}): Promise<LocalNats> {
  const binary = findNatsServer(options.searchDirs);
  if (!binary) throw new NatsServerNotFoundError();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = await pickPort();
  const configPath = join(dataDir, 'nats.conf');
  writeFileSync(
    configPath,
    [
      `listen: ${JSON.stringify(`127.0.0.1:${port}`)}`,
      'max_payload: 8MB',
      `jetstream { store_dir: ${JSON.stringify(join(dataDir, 'jetstream'))} }`,
      '',
    ].join('\n'),
  );

  // Its own process group: Ctrl-C in the terminal reaches the gateway only, which drains its
  // connection first and stops this server last. If the gateway dies, the server goes with it.
  const child = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`nats-server was not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    child.stderr.on('data', (data: Buffer) => {
      output = (output + data.toString()).slice(-4096);
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`nats-server exited (code ${code}) before it was ready:\n${output}`));
    });
  });

  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
