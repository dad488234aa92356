import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, PROVIDERS_FROM_ENV, loadConfig, parseConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes a YAML file and returns the env that points loadConfig at it. */
function configFile(yaml: string, env: Record<string, string> = {}): Record<string, string> {
  const path = join(dir, `switchyard-${files++}.yaml`);
  writeFileSync(path, yaml);
  return { SWITCHYARD_CONFIG: path, ...env };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('ConfigError');
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const FULL_YAML = `
server:
  port: 9000
  request_timeout_ms: 120000
master_key: \${SWITCHYARD_MASTER_KEY}
keys:
  - id: search-app
    key: \${SEARCH_APP_KEY}
    team: search
    models: ['gpt-4o*', 'llama-*']
    limits: { rpm: 60, tpm: 100000 }
    budget: { max_usd: 25, period: daily }
    expires_at: 2027-01-01T00:00:00Z
    metadata: { owner: search-squad }
  - id: batch
    key_hash: ${'ab'.repeat(32)}
teams:
  - id: search
    models: ['gpt-4o*']
    limits: { max_concurrency: 8 }
    budget: { max_usd: 500 }
providers:
  openai:
    type: openai-compatible
    base_url: \${OPENAI_BASE_URL:-https://api.openai.com/v1}
    api_key: \${OPENAI_API_KEY}
    headers:
      X-Title: "$\${literal}"
  vllm:
    type: openai-compatible
    base_url: http://vllm.internal:8000/v1
models:
  gpt-4o-mini:
    deployments:
      - provider: openai
        model: gpt-4o-mini
  openai/*:
    deployments:
      - provider: openai
`;

const FULL_ENV = {
  SWITCHYARD_MASTER_KEY: 'sk-master-12345',
  SEARCH_APP_KEY: 'sk-search-12345',
  OPENAI_API_KEY: 'sk-openai-12345',
};

describe('loadConfig with the built-in defaults', () => {
  it('serves only the demo provider when no provider key is set', () => {
    const config = loadConfig({});
    expect(Object.keys(config.providers)).toEqual(['demo']);
    expect(config.providers['demo']).toEqual({ type: 'demo', chunk_delay_ms: 20 });
    expect(config.models).toEqual({ demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] } });
    expect(config.keys).toEqual([]);
    expect(config.master_key).toBeUndefined();
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      body_limit_bytes: 8 * 1024 * 1024,
      local_dispatch: false,
      request_timeout_ms: 600_000,
      ws_ping_interval_ms: 30_000,
      ws_auth_timeout_ms: 5_000,
      ws_high_water_bytes: 8 * 1024 * 1024,
      ws_max_in_flight: 64,
    });
    expect(config.telemetry).toEqual({
      host: '127.0.0.1',
      port: 9464,
      request_log: {
        enabled: true,
        max_age_hours: 168,
        max_bytes: 1024 * 1024 * 1024,
        record_content: false,
        redact: [],
        max_content_bytes: 16 * 1024,
      },
    });
  });

  it('adds the openai provider and the openai/* alias when OPENAI_API_KEY is set', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test-123' });
    expect(Object.keys(config.providers).sort()).toEqual(['demo', 'openai']);
    expect(config.providers['openai']).toMatchObject({
      type: 'openai-compatible',
      base_url: 'https://api.openai.com/v1',
      api_key: 'sk-test-123',
    });
    expect(config.models['openai/*']).toEqual({ deployments: [{ provider: 'openai' }] });
    expect(config.models['demo']).toBeDefined();
  });

  it('ignores a provider key that is set but empty', () => {
    expect(Object.keys(loadConfig({ OPENAI_API_KEY: '' }).providers)).toEqual(['demo']);
  });

  it('adds every documented provider whose key is set, and valid as config', () => {
    const env = Object.fromEntries(PROVIDERS_FROM_ENV.map((p) => [p.env, `key-${p.id}`]));
    const config = loadConfig(env);
    expect(Object.keys(config.providers).sort()).toEqual(
      [
        'demo',
        'openai',
        'anthropic',
        'gemini',
        'cohere',
        'groq',
        'together',
        'fireworks',
        'deepseek',
        'xai',
        'mistral',
        'openrouter',
        'perplexity',
      ].sort(),
    );
    expect(config.providers['groq']).toMatchObject({
      base_url: 'https://api.groq.com/openai/v1',
      api_key: 'key-groq',
    });
    expect(Object.keys(config.models)).toContain('groq/*');
    // Providers with their own wire format come as their own type, not as OpenAI-compatible.
    expect(config.providers['anthropic']).toMatchObject({ type: 'anthropic', api_key: 'key-anthropic' });
    expect(config.providers['mistral']).toMatchObject({ type: 'mistral' });
  });

  it('treats an empty SWITCHYARD_CONFIG as unset', () => {
    expect(loadConfig({ GROQ_API_KEY: 'x', SWITCHYARD_CONFIG: '' }).providers['groq']).toBeDefined();
  });
});

describe('loadConfig from a YAML file', () => {
  it('reads the file and interpolates the environment', () => {
    const config = loadConfig(configFile(FULL_YAML, FULL_ENV));
    expect(config.server.port).toBe(9000);
    expect(config.server.request_timeout_ms).toBe(120_000);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.master_key).toBe('sk-master-12345');
    expect(config.keys[0]).toEqual({
      id: 'search-app',
      key: 'sk-search-12345',
      team: 'search',
      models: ['gpt-4o*', 'llama-*'],
      limits: { rpm: 60, tpm: 100_000 },
      budget: { max_usd: 25, period: 'daily' },
      expires_at: '2027-01-01T00:00:00Z',
      metadata: { owner: 'search-squad' },
    });
    expect(config.keys[1]).toEqual({ id: 'batch', key_hash: 'ab'.repeat(32), models: ['*'], metadata: {} });
    expect(config.teams).toEqual([
      {
        id: 'search',
        models: ['gpt-4o*'],
        limits: { max_concurrency: 8 },
        budget: { max_usd: 500, period: 'monthly' },
        metadata: {},
      },
    ]);
    expect(config.policy).toEqual({ fail_mode: 'closed' });
    expect(config.providers['openai']).toEqual({
      type: 'openai-compatible',
      base_url: 'https://api.openai.com/v1',
      api_key: 'sk-openai-12345',
      headers: { 'X-Title': '${literal}' },
      connections: 64,
      drop_params: false,
    });
    expect(Object.keys(config.models).sort()).toEqual(['gpt-4o-mini', 'openai/*']);
  });

  it('does not add the demo or env providers when a file is given', () => {
    const config = loadConfig(configFile(FULL_YAML, { ...FULL_ENV, GROQ_API_KEY: 'gsk' }));
    expect(config.providers['demo']).toBeUndefined();
    expect(config.providers['groq']).toBeUndefined();
  });

  it('uses an interpolation default when the variable is unset', () => {
    const config = loadConfig(configFile(FULL_YAML, { ...FULL_ENV, OPENAI_BASE_URL: 'http://proxy:9/v1' }));
    expect(config.providers['openai']).toMatchObject({ base_url: 'http://proxy:9/v1' });
  });

  it('fails naming the missing variable and the field that needs it', () => {
    const { SEARCH_APP_KEY: _, ...env } = FULL_ENV;
    const file = configFile(FULL_YAML, env);
    const err = configError(() => loadConfig(file));
    expect(err.message).toContain(file.SWITCHYARD_CONFIG);
    expect(err.message).toContain('${SEARCH_APP_KEY}');
    expect(err.message).toContain('keys[0].key');
  });

  it('accepts an empty file as the empty config', () => {
    const config = loadConfig(configFile(''));
    expect(config.providers).toEqual({});
    expect(config.server.port).toBe(8080);
  });

  it('reports a file that does not exist as a ConfigError naming it', () => {
    const path = join(dir, 'missing.yaml');
    const err = configError(() => loadConfig({ SWITCHYARD_CONFIG: path }));
    expect(err.message).toContain(`Cannot read config file ${path}`);
  });

  it('reports a file it cannot read (a directory) as a ConfigError naming it', () => {
    expect(configError(() => loadConfig({ SWITCHYARD_CONFIG: dir })).message).toContain(dir);
  });

  it('reports malformed YAML as a ConfigError naming the file', () => {
    const env = configFile('server:\n  port: [8080\n');
    expect(configError(() => loadConfig(env)).message).toContain(env.SWITCHYARD_CONFIG);
  });

  it('reports an unknown field with its path, so typos do not pass silently', () => {
    const env = configFile('server:\n  prot: 9000\n');
    const err = configError(() => loadConfig(env));
    expect(err.message).toContain(`Invalid config (${env.SWITCHYARD_CONFIG})`);
    expect(err.message).toMatch(/server: .*prot/);
  });
});

describe('environment overrides', () => {
  it('PORT and HOST override the file', () => {
    const config = loadConfig(configFile(FULL_YAML, { ...FULL_ENV, PORT: '7000', HOST: '0.0.0.0' }));
    expect(config.server.port).toBe(7000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.request_timeout_ms).toBe(120_000);
  });

  it('PORT and HOST override the defaults', () => {
    const config = loadConfig({ PORT: '0', HOST: '::' });
    expect(config.server.port).toBe(0);
    expect(config.server.host).toBe('::');
  });

  it('TELEMETRY_PORT overrides the telemetry port, keeping its host', () => {
    const env = configFile('telemetry:\n  host: 0.0.0.0\n  port: 1000\n', { TELEMETRY_PORT: '9999' });
    expect(loadConfig(env).telemetry).toMatchObject({ host: '0.0.0.0', port: 9999 });
    expect(loadConfig({ TELEMETRY_PORT: '9100' }).telemetry.port).toBe(9100);
  });

  it('SWITCHYARD_MASTER_KEY overrides the master key in the file', () => {
    const overridden = loadConfig(
      configFile('master_key: sk-from-file-1\n', { SWITCHYARD_MASTER_KEY: 'sk-from-env-2' }),
    );
    expect(overridden.master_key).toBe('sk-from-env-2');
    expect(loadConfig({ SWITCHYARD_MASTER_KEY: 'sk-default-3' }).master_key).toBe('sk-default-3');
  });

  it('REDIS_URL and SWITCHYARD_SIGNING_SECRET set the Redis URL and the signing secret', () => {
    const secret = 's'.repeat(32);
    const config = loadConfig(
      configFile('policy:\n  fail_mode: open\n', {
        REDIS_URL: 'redis://cache:6379',
        SWITCHYARD_SIGNING_SECRET: secret,
      }),
    );
    expect(config.redis.url).toBe('redis://cache:6379');
    expect(config.policy).toEqual({ fail_mode: 'open', signing_secret: secret });
    expect(loadConfig({}).redis.url).toBeUndefined();
  });

  it('a signing secret shorter than 32 characters fails at policy.signing_secret', () => {
    expect(configError(() => loadConfig({ SWITCHYARD_SIGNING_SECRET: 'short' })).message).toContain(
      'policy.signing_secret',
    );
  });

  it('a PORT that is not a number fails at server.port', () => {
    expect(configError(() => loadConfig({ PORT: 'eighty' })).message).toContain('server.port');
  });

  it('a PORT out of range fails at server.port', () => {
    expect(configError(() => loadConfig({ PORT: '70000' })).message).toContain('server.port');
  });

  it('a master key that is too short fails at master_key', () => {
    expect(configError(() => loadConfig({ SWITCHYARD_MASTER_KEY: 'short' })).message).toContain('master_key');
  });
});

describe('parseConfig validation', () => {
  const demo = { demo: { type: 'demo' } };

  it('names an unknown provider in a deployment with its path', () => {
    const err = configError(() =>
      parseConfig({ providers: demo, models: { x: { deployments: [{ provider: 'opena1', model: 'm' }] } } }),
    );
    expect(err.message).toContain('models.x.deployments[0].provider: unknown provider "opena1"');
  });

  it('points at the right deployment index', () => {
    const err = configError(() =>
      parseConfig({
        providers: demo,
        models: {
          x: {
            deployments: [
              { provider: 'demo', model: 'a' },
              { provider: 'nope', model: 'b' },
            ],
          },
        },
      }),
    );
    expect(err.message).toContain('models.x.deployments[1].provider');
    expect(err.message).not.toContain('deployments[0]');
  });

  it('rejects a redaction pattern that is not a regular expression, naming where it is', () => {
    const err = configError(() =>
      parseConfig({ telemetry: { request_log: { redact: ['ok', '(unclosed'] } } }),
    );
    expect(err.message).toContain('telemetry.request_log.redact[1]: not a valid regular expression');
  });

  it('rejects a key with both key and key_hash', () => {
    const err = configError(() =>
      parseConfig({ keys: [{ id: 'a', key: 'sk-12345678', key_hash: 'a'.repeat(64) }] }),
    );
    expect(err.message).toContain('keys[0]: give exactly one of key or key_hash');
  });

  it('rejects a key with neither key nor key_hash', () => {
    expect(configError(() => parseConfig({ keys: [{ id: 'a' }] })).message).toContain(
      'keys[0]: give exactly one of key or key_hash',
    );
  });

  it('rejects a key_hash that is not 64 lowercase hex characters', () => {
    expect(configError(() => parseConfig({ keys: [{ id: 'a', key_hash: 'XYZ' }] })).message).toContain(
      'keys[0].key_hash',
    );
  });

  it('rejects duplicate key ids, naming the duplicate', () => {
    const err = configError(() =>
      parseConfig({
        keys: [
          { id: 'app', key: 'sk-11111111' },
          { id: 'other', key: 'sk-22222222' },
          { id: 'app', key: 'sk-33333333' },
        ],
      }),
    );
    expect(err.message).toContain('keys[2].id: duplicate key id "app"');
  });

  it('requires a model on a deployment of an exact alias, not of a prefix/* alias', () => {
    const err = configError(() =>
      parseConfig({ providers: demo, models: { 'gpt-4o': { deployments: [{ provider: 'demo' }] } } }),
    );
    expect(err.message).toContain('models.gpt-4o.deployments[0].model: required unless the alias ends in /*');
    expect(() =>
      parseConfig({ providers: demo, models: { 'demo/*': { deployments: [{ provider: 'demo' }] } } }),
    ).not.toThrow();
  });

  it('lists every problem at once, one per line', () => {
    const err = configError(() =>
      parseConfig({
        keys: [{ id: 'a' }],
        models: { x: { deployments: [{ provider: 'nope', model: 'm' }] } },
      }),
    );
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('Invalid config (config):');
    expect(lines.filter((l) => l.startsWith('  - '))).toHaveLength(2);
  });

  it('rejects provider ids operators could not use as a subject token', () => {
    expect(configError(() => parseConfig({ providers: { 'Open AI': { type: 'demo' } } })).message).toContain(
      'providers',
    );
  });

  it('rejects a provider base_url that is not a URL', () => {
    const err = configError(() =>
      parseConfig({ providers: { vllm: { type: 'openai-compatible', base_url: 'not a url' } } }),
    );
    expect(err.message).toContain('providers.vllm.base_url');
  });

  it('rejects a provider base_url without http(s)://, which no upstream call could use', () => {
    // `localhost:8000/v1` parses as a URL with the scheme "localhost:", so only a scheme check catches it.
    const err = configError(() =>
      parseConfig({ providers: { vllm: { type: 'openai-compatible', base_url: 'localhost:8000/v1' } } }),
    );
    expect(err.message).toContain('providers.vllm.base_url');
  });

  it('treats an absent document as the empty config', () => {
    expect(parseConfig(undefined).keys).toEqual([]);
    expect(parseConfig(null).server.port).toBe(8080);
  });
});

describe('pricing', () => {
  it('is empty by default and reads per-million prices keyed by model patterns', () => {
    expect(parseConfig({}).pricing).toEqual({});
    const pricing = {
      'openai/gpt-4o-mini': { input: 0.1, output: 0.4, cached_read: 0.05 },
      'vllm/*': { input: 0, output: 0 },
      'claude-sonnet-4*': { input: 3, output: 15, cached_read: 0.3, cache_write: 3.75 },
    };
    expect(parseConfig({ pricing }).pricing).toEqual(pricing);
  });

  it('rejects a negative price and an unknown field, naming the key', () => {
    const negative = configError(() => parseConfig({ pricing: { 'gpt-4o': { input: -1, output: 1 } } }));
    expect(negative.message).toContain('pricing.gpt-4o.input');
    const typo = configError(() =>
      parseConfig({ pricing: { 'gpt-4o': { input: 1, output: 1, cache_read: 0.5 } } }),
    );
    expect(typo.message).toContain('pricing.gpt-4o');
    expect(typo.message).toContain('cache_read');
  });
});

describe('jetstream', () => {
  it('keeps one replica of each stream, bucket and object store by default', () => {
    expect(parseConfig({}).jetstream).toEqual({ replicas: 1 });
    expect(parseConfig({ jetstream: { replicas: 3 } }).jetstream.replicas).toBe(3);
  });

  it('accepts 1 to 5 replicas, the range JetStream allows, and names the field otherwise', () => {
    expect(parseConfig({ jetstream: { replicas: 5 } }).jetstream.replicas).toBe(5);
    for (const replicas of [0, 6, 2.5])
      expect(configError(() => parseConfig({ jetstream: { replicas } })).message).toContain(
        'jetstream.replicas',
      );
    expect(configError(() => parseConfig({ jetstream: { replica: 3 } })).message).toContain('replica');
  });
});
