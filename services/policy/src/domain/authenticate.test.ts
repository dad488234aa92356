import { isGatewayError, type GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createAuthenticate } from './authenticate.js';
import { createKeyTable, hashKey } from './key-table.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const table = createKeyTable('sk-master-secret');
table.putTeam({ id: 'search', limits: { rpm: 100 }, budget: { max_usd: 50, period: 'monthly' } });
table.putTeam({ id: 'research', models: ['openai/*', 'gpt-4o*'] });
table.putKey({
  id: 'app',
  key_hash: hashKey('sk-app-secret'),
  team: 'search',
  models: ['gpt-4o*', 'openai/*'],
  limits: { rpm: 10, max_concurrency: 2 },
  budget: { max_usd: 5, period: 'daily' },
});
table.putKey({ id: 'batch', key_hash: hashKey('sk-batch-secret'), models: ['*'] });
table.putKey({ id: 'lab', key_hash: hashKey('sk-lab-secret'), team: 'research', models: ['*', 'gpt-*'] });
table.putKey({
  id: 'temp',
  key_hash: hashKey('sk-temp-secret'),
  models: ['*'],
  expires_at: '2030-01-01T00:00:00Z',
});

let now = NOW - 1;
const authenticate = createAuthenticate(table, () => now);

const failure = (authorization: string | undefined): GatewayError => {
  try {
    authenticate(authorization);
  } catch (err) {
    if (isGatewayError(err)) return err;
    throw err;
  }
  throw new Error('expected authentication to fail');
};

describe('authenticate', () => {
  it('finds a key by its secret, with its team, models, limits and budget and its team’s', () => {
    const who = authenticate('Bearer sk-app-secret');
    expect(who).toMatchObject({
      keyId: 'app',
      team: 'search',
      allowedModels: 'gpt-4o*,openai/*',
      limits: { rpm: 10, max_concurrency: 2 },
      budget: { max_usd: 5, period: 'daily' },
      teamLimits: { rpm: 100 },
      teamBudget: { max_usd: 50, period: 'monthly' },
    });
    expect(who.allows('openai/o3')).toBe(true);
    expect(who.allows('anthropic/claude')).toBe(false);
  });

  it('confines a key to the models its team allows as well as its own', () => {
    const who = authenticate('Bearer sk-lab-secret');
    expect(who.allows('openai/o3')).toBe(true);
    expect(who.allows('gpt-4o-mini')).toBe(true);
    // The key alone allows gpt-*; the team does not allow gpt-5.
    expect(who.allows('gpt-5')).toBe(false);
    expect(who.allows('anthropic/claude')).toBe(false);
    expect(who.allowedModels.split(',').sort()).toEqual(['gpt-4o*', 'openai/*']);
  });

  it('follows a team change for every key of the team', () => {
    table.putTeam({ id: 'research', models: ['anthropic/*'] });
    const who = authenticate('Bearer sk-lab-secret');
    expect(who.allows('anthropic/claude')).toBe(true);
    expect(who.allows('openai/o3')).toBe(false);
    table.removeTeam('research');
    expect(authenticate('Bearer sk-lab-secret').allows('gpt-5')).toBe(true);
    table.putTeam({ id: 'research', models: ['openai/*', 'gpt-4o*'] });
  });

  it('accepts the master key for every model, with no limits', () => {
    const who = authenticate('bearer   sk-master-secret');
    expect(who.keyId).toBe('master');
    expect(who.allows('anything/at-all')).toBe(true);
    expect(who.limits).toBeUndefined();
  });

  it('refuses a key once it has expired, saying so and without echoing it', () => {
    now = NOW - 1;
    expect(authenticate('Bearer sk-temp-secret').keyId).toBe('temp');
    now = NOW;
    const err = failure('Bearer sk-temp-secret');
    expect(err.status).toBe(401);
    expect(err.message).toBe('The API key has expired.');
    now = NOW - 1;
  });

  it('refuses a removed key, and a replaced key’s old secret', () => {
    table.putKey({ id: 'rotating', key_hash: hashKey('sk-old-secret'), models: ['*'] });
    expect(authenticate('Bearer sk-old-secret').keyId).toBe('rotating');
    table.putKey({ id: 'rotating', key_hash: hashKey('sk-new-secret'), models: ['*'] });
    expect(failure('Bearer sk-old-secret').message).toMatch(/^Incorrect API key/);
    expect(authenticate('Bearer sk-new-secret').keyId).toBe('rotating');
    table.removeKey('rotating');
    expect(failure('Bearer sk-new-secret').message).toMatch(/^Incorrect API key/);
  });

  it('refuses a missing key with a hint on how to send one', () => {
    for (const value of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer ']) {
      const err = failure(value);
      expect(err.code).toBe('unauthenticated');
      expect(err.message).toMatch(/didn't provide an API key/);
    }
  });

  it('refuses an unknown key without echoing it', () => {
    const err = failure('Bearer sk-wrong-secret-123');
    expect(err.code).toBe('unauthenticated');
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/^Incorrect API key provided/);
    expect(err.message).not.toContain('sk-wrong');
  });
});
