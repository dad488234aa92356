import { isGatewayError, type GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createAuthenticate } from './authenticate.js';
import { buildKeyTable, hashKey } from './key-table.js';

const authenticate = createAuthenticate(
  buildKeyTable({
    master_key: 'sk-master-secret',
    keys: [
      { id: 'app', key: 'sk-app-secret', team: 'search', models: ['gpt-4o*', 'openai/*'] },
      { id: 'batch', key_hash: hashKey('sk-batch-secret'), models: ['*'] },
    ],
  }),
);

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
  it('finds a key given in clear in the config, with its team and models', () => {
    const who = authenticate('Bearer sk-app-secret');
    expect(who.keyId).toBe('app');
    expect(who.team).toBe('search');
    expect(who.allowedModels).toBe('gpt-4o*,openai/*');
    expect(who.allows('openai/o3')).toBe(true);
    expect(who.allows('anthropic/claude')).toBe(false);
  });

  it('finds a key configured only by its hash', () => {
    expect(authenticate('Bearer sk-batch-secret').keyId).toBe('batch');
  });

  it('accepts the master key for every model', () => {
    const who = authenticate('bearer   sk-master-secret');
    expect(who.keyId).toBe('master');
    expect(who.allows('anything/at-all')).toBe(true);
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
