import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { createDeploymentSlots } from './deployment-slots.js';

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
    const slots = createDeploymentSlots();
    const first = await slots.acquire('vllm/llama-3', 2, never);
    await slots.acquire('vllm/llama-3', 2, never);
    const third = slots.acquire('vllm/llama-3', 2, never);
    expect(await settled(third)).toBe(false);
    first();
    first(); // releasing twice gives back one slot, not two
    expect(await settled(third)).toBe(true);
    const fourth = slots.acquire('vllm/llama-3', 2, never);
    expect(await settled(fourth)).toBe(false);
  });

  it('serves waiters in arrival order', async () => {
    const slots = createDeploymentSlots();
    const release = await slots.acquire('vllm-any', 1, never);
    const order: string[] = [];
    const a = slots.acquire('vllm-any', 1, never).then((r) => (order.push('a'), r));
    const b = slots.acquire('vllm-any', 1, never).then((r) => (order.push('b'), r));
    release();
    (await a)();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('drops a waiter whose call is aborted, with the abort reason, and keeps the slot for others', async () => {
    const slots = createDeploymentSlots();
    const release = await slots.acquire('vllm-any', 1, never);
    const aborter = new AbortController();
    const abandoned = slots.acquire('vllm-any', 1, aborter.signal);
    const next = slots.acquire('vllm-any', 1, never);
    aborter.abort(new Error('deadline'));
    await expect(abandoned).rejects.toThrow('deadline');
    release();
    expect(await settled(next)).toBe(true);
  });

  it('does not limit a deployment the router stamps no limit on', async () => {
    const slots = createDeploymentSlots();
    const calls = await Promise.all([1, 2, 3].map(() => slots.acquire('vllm/free-model', undefined, never)));
    expect(calls).toHaveLength(3);
  });

  it('applies a limit changed at run time from the next call', async () => {
    const slots = createDeploymentSlots();
    const first = await slots.acquire('vllm/llama-3', 1, never);
    const held = slots.acquire('vllm/llama-3', 1, never);
    expect(await settled(held)).toBe(false);
    // The route now allows 3: the waiter and one more go at once, a fourth waits.
    const raised = slots.acquire('vllm/llama-3', 3, never);
    expect(await settled(held)).toBe(true);
    expect(await settled(raised)).toBe(true);
    const fourth = slots.acquire('vllm/llama-3', 3, never);
    expect(await settled(fourth)).toBe(false);
    // Lowered to 1 with 3 running: a release frees nothing until only one call is left.
    const lowered = slots.acquire('vllm/llama-3', 1, never);
    first();
    (await held)();
    expect(await settled(fourth)).toBe(false);
    (await raised)();
    expect(await settled(fourth)).toBe(true);
    expect(await settled(lowered)).toBe(false);
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
