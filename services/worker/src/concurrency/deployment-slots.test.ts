import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { createDeploymentSlots } from './deployment-slots.js';

const config = parseConfig({
  providers: { vllm: { type: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1' } },
  models: {
    llama: { deployments: [{ provider: 'vllm', model: 'llama-3', max_concurrency: 2 }] },
    'vllm/*': { deployments: [{ provider: 'vllm', id: 'vllm-any', max_concurrency: 1 }] },
    free: { deployments: [{ provider: 'vllm', model: 'free-model' }] },
  },
});
const never = new AbortController().signal;
const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('per-deployment concurrency slots', () => {
  it('lets max_concurrency calls through and holds the next until one ends', async () => {
    const slots = createDeploymentSlots(config, ['vllm']);
    const first = await slots.acquire('vllm/llama-3', never);
    await slots.acquire('vllm/llama-3', never);
    const third = slots.acquire('vllm/llama-3', never);
    expect(await settled(third)).toBe(false);
    first();
    first(); // releasing twice gives back one slot, not two
    expect(await settled(third)).toBe(true);
    const fourth = slots.acquire('vllm/llama-3', never);
    expect(await settled(fourth)).toBe(false);
  });

  it('serves waiters in arrival order', async () => {
    const slots = createDeploymentSlots(config, ['vllm']);
    const release = await slots.acquire('vllm-any', never);
    const order: string[] = [];
    const a = slots.acquire('vllm-any', never).then((r) => (order.push('a'), r));
    const b = slots.acquire('vllm-any', never).then((r) => (order.push('b'), r));
    release();
    (await a)();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('drops a waiter whose call is aborted, with the abort reason, and keeps the slot for others', async () => {
    const slots = createDeploymentSlots(config, ['vllm']);
    const release = await slots.acquire('vllm-any', never);
    const aborter = new AbortController();
    const abandoned = slots.acquire('vllm-any', aborter.signal);
    const next = slots.acquire('vllm-any', never);
    aborter.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    release();
    expect(await settled(next)).toBe(true);
  });

  it('does not limit deployments without max_concurrency, or of providers this worker does not serve', async () => {
    const slots = createDeploymentSlots(config, ['other']);
    await Promise.all([1, 2, 3].map(() => slots.acquire('vllm/llama-3', never)));
    const unlimited = createDeploymentSlots(config, ['vllm']);
    await Promise.all([1, 2, 3].map(() => unlimited.acquire('vllm/free-model', never)));
  });
});

describe('config', () => {
  it('refuses a limit on a prefix deployment without an id', () => {
    expect(() =>
      parseConfig({
        providers: { vllm: { type: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1' } },
        models: { 'vllm/*': { deployments: [{ provider: 'vllm', max_concurrency: 1 }] } },
      }),
    ).toThrow(/max_concurrency: give the deployment an id/);
  });
});
