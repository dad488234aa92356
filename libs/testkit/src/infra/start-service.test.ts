import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServiceRecipe } from './start-service.js';
import { startService } from './start-service.js';

describe('startService', () => {
  afterEach(() => vi.unstubAllEnvs());

  const recipe = (overrides: Partial<ServiceRecipe> = {}): ServiceRecipe => ({
    name: 'Thing',
    envVar: 'THING_URL',
    exampleUrl: 'thing://127.0.0.1:1',
    binary: {
      name: 'thing-server-that-does-not-exist',
      fallbacks: ['/nonexistent/thing'],
      debianPackage: 'thing',
    },
    startContainer: () => Promise.reject(new Error('no daemon')),
    startLocal: () => Promise.reject(new Error('unreachable')),
    external: (url) => ({ url, stop: async () => {} }),
    ...overrides,
  });

  it('uses the env var first, with a no-op stop', async () => {
    vi.stubEnv('THING_URL', 'thing://elsewhere:9');
    const thing = await startService(recipe());
    expect(thing.url).toBe('thing://elsewhere:9');
    await thing.stop();
  });

  it('throws, never skips, when nothing can provide the service, saying how to fix it', async () => {
    vi.stubEnv('THING_URL', '');
    const err = await startService(recipe()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('THING_URL is not set');
    expect(message).toContain('apt-get install thing');
    expect(message).toContain('THING_URL=thing://127.0.0.1:1');
  });

  it('falls back to the local binary when the container fails', async () => {
    vi.stubEnv('THING_URL', '');
    vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:1');
    const thing = await startService(
      recipe({
        binary: { name: 'node', fallbacks: [process.execPath], debianPackage: 'nodejs' },
        startLocal: (path) => Promise.resolve({ url: `local:${path}`, stop: async () => {} }),
      }),
    );
    expect(thing.url).toMatch(/^local:.*node/);
  });
});
