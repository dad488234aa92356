import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('awaits an async check each time, until it holds', async () => {
    let calls = 0;
    await waitUntil(async () => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('fails after the bound when the check never holds, sync or async', async () => {
    await expect(waitUntil(() => false, { timeoutMs: 50 })).rejects.toThrow('condition not met within 50 ms');
    await expect(waitUntil(async () => false, { timeoutMs: 50 })).rejects.toThrow(/within 50 ms/);
  });
});
