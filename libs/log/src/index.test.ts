import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// createLogger writes to stdout and takes no destination, so the logger runs in a child process,
// exactly as a service runs it, and the test reads what an operator's log collector would read.
const repoRoot = join(import.meta.dirname, '..', '..', '..');

async function runLogging(body: string): Promise<{ stdout: string; stderr: string }> {
  const script = `import { createLogger } from '@switchyard/log';\n${body}`;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@switchyard/source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 15_000 },
  );
  return { stdout, stderr };
}

type Line = Record<string, unknown>;

describe('createLogger (JSON)', () => {
  let lines: Map<string, Line>;
  let raw: string;
  let callerObject: string;

  beforeAll(async () => {
    const { stdout, stderr } = await runLogging(`
      const log = createLogger({ name: 'policy' });
      log.info({ authorization: 'Bearer sk-secret-top' }, 'top');
      log.info({ headers: { authorization: 'Bearer sk-secret-headers' } }, 'headers');
      log.info({ req: { headers: { authorization: 'Bearer sk-secret-req' } } }, 'req-headers');
      log.info({ upstream: { authorization: 'Bearer sk-secret-nested' } }, 'nested');
      log.info({ api_key: 'sk-secret-api-key', provider: { api_key: 'sk-secret-provider' } }, 'api-key');
      log.info({ apiKey: 'sk-secret-camel', client: { apiKey: 'sk-secret-client' } }, 'camel');
      log.info({ master_key: 'sk-secret-master', config: { master_key: 'sk-secret-config-master' } }, 'master');
      log.info({ key: 'sk-secret-key', virtual: { key: 'sk-secret-virtual' } }, 'key');
      log.info({ model: 'gpt-4o', keyId: 'search-app', team: 'search', status: 200 }, 'plain');
      log.debug({ authorization: 'Bearer sk-secret-debug' }, 'below-level');
      const mine = { authorization: 'Bearer sk-secret-kept', headers: { authorization: 'Bearer sk-h' } };
      log.info(mine, 'caller-object');
      process.stderr.write(JSON.stringify(mine));
    `);
    raw = stdout;
    callerObject = stderr;
    lines = new Map(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line)
        .map((l) => [l['msg'] as string, l]),
    );
  });

  it('writes one JSON line per call with the service name and level', () => {
    expect(lines.get('plain')).toMatchObject({ name: 'policy', level: 30, msg: 'plain' });
    expect(typeof lines.get('plain')!['time']).toBe('number');
  });

  it('never writes a secret anywhere in the output', () => {
    expect(raw).toContain('[redacted]');
    expect(raw).not.toMatch(/sk-secret/);
  });

  it.each([
    ['top', ['authorization']],
    ['headers', ['headers', 'authorization']],
    ['req-headers', ['req', 'headers', 'authorization']],
    ['nested', ['upstream', 'authorization']],
    ['api-key', ['api_key']],
    ['api-key', ['provider', 'api_key']],
    ['camel', ['apiKey']],
    ['camel', ['client', 'apiKey']],
    ['master', ['master_key']],
    ['master', ['config', 'master_key']],
    ['key', ['key']],
    ['key', ['virtual', 'key']],
  ])('the %s line shows [redacted] at %j', (msg, path) => {
    let value: unknown = lines.get(msg);
    for (const p of path) value = (value as Line)[p];
    expect(value).toBe('[redacted]');
  });

  it('keeps fields that are not secrets', () => {
    expect(lines.get('plain')).toMatchObject({
      model: 'gpt-4o',
      keyId: 'search-app',
      team: 'search',
      status: 200,
    });
  });

  it('drops lines below the level', () => {
    expect(lines.has('below-level')).toBe(false);
  });

  it('leaves the caller object intact, so a logged header can still be forwarded', () => {
    expect(JSON.parse(callerObject)).toEqual({
      authorization: 'Bearer sk-secret-kept',
      headers: { authorization: 'Bearer sk-h' },
    });
  });
});

describe('createLogger options', () => {
  it('honours the level, down to debug and up to silent', async () => {
    const { stdout } = await runLogging(`
      createLogger({ name: 'a', level: 'debug' }).debug('shown');
      createLogger({ name: 'b', level: 'warn' }).info('hidden-info');
      createLogger({ name: 'b', level: 'warn' }).warn('shown-warn');
      createLogger({ name: 'c', level: 'silent' }).fatal('hidden-fatal');
    `);
    expect(stdout).toContain('"msg":"shown"');
    expect(stdout).toContain('"msg":"shown-warn"');
    expect(stdout).not.toContain('hidden');
  });

  it('redacts in pretty output too', async () => {
    const { stdout } = await runLogging(`
      createLogger({ name: 'pretty', pretty: true }).info({ authorization: 'Bearer sk-secret-pretty' }, 'human line');
    `);
    expect(stdout).toContain('human line');
    expect(stdout).toContain('[redacted]');
    expect(stdout).not.toContain('sk-secret');
    expect(() => JSON.parse(stdout.trim().split('\n')[0]!)).toThrow();
  });

  it('redacts the secrets of a logged config: provider api keys and virtual key secrets', async () => {
    // The logger promises that no call site has to remember redaction; a config object is the
    // likeliest thing to be logged whole, and its secrets sit deeper than one level.
    const { stdout } = await runLogging(`
      createLogger({ name: 'cfg' }).info({
        config: {
          master_key: 'sk-secret-master',
          keys: [{ id: 'app', key: 'sk-secret-virtual' }],
          providers: { openai: { type: 'openai-compatible', api_key: 'sk-secret-openai' } },
        },
      }, 'config loaded');
    `);
    expect(stdout).toContain('config loaded');
    expect(stdout).not.toMatch(/sk-secret/);
  });
});
