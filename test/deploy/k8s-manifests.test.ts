import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interpolate, parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

// The manifests are validated here against the Kubernetes API schemas (kubernetes-models, the
// OpenAPI schemas of Kubernetes 1.x as JSON schema), without a cluster or kubectl: what
// `kubectl apply --dry-run=server` would refuse for a schema reason fails this test first.
const k8s = join(import.meta.dirname, '..', '..', 'deploy', 'k8s');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked by the schema first
  file: string;
}

function readManifests(file: string): Manifest[] {
  const text = readFileSync(join(k8s, file), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return { ...(doc.toJS() as Omit<Manifest, 'file'>), file };
  });
}

const kustomization = parseYaml(readFileSync(join(k8s, 'base', 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  configMapGenerator: { name: string; files?: string[]; literals?: string[] }[];
};
const base = kustomization.resources.flatMap((r) => readManifests(join('base', r)));
const examples = ['examples/secrets.yaml', 'examples/worker-openai.yaml'].flatMap(readManifests);
const all = [...base, ...examples];
/** Examples that replace a base resource of the same name when applied (`kubectl apply -f`). */
const replacements = readManifests('examples/autoscale-on-pending.yaml');
const deployments = all.filter((m) => m.kind === 'Deployment');
const ours = deployments.filter((d) => d.spec.template.spec.containers[0].image === 'switchyard');

/** The API groups our manifests use; another one fails the schema test until it is added here. */
const API_GROUPS: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
};

/** The kubernetes-models class for a manifest's apiVersion and kind. */
async function modelOf(m: Manifest): Promise<new (data: unknown) => { validate(): void }> {
  const group = API_GROUPS[m.apiVersion];
  if (group === undefined) throw new Error(`${m.file}: no schema loaded for ${m.apiVersion}`);
  const model = (await group())[m.kind];
  if (typeof model !== 'function') throw new Error(`${m.file}: unknown kind ${m.apiVersion}/${m.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

const podLabels = (d: Manifest): Record<string, string> => d.spec.template.metadata.labels;
const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every resource the kustomization lists exists, and so does every generated file', () => {
    for (const r of kustomization.resources) expect(existsSync(join(k8s, 'base', r)), r).toBe(true);
    for (const g of kustomization.configMapGenerator)
      for (const f of g.files ?? []) expect(existsSync(join(k8s, 'base', f)), f).toBe(true);
  });

  it('every manifest is valid against the Kubernetes API schema', async () => {
    expect(all.length).toBeGreaterThan(10);
    for (const m of [...all, ...replacements]) {
      const Model = await modelOf(m);
      const { file: _file, ...data } = m;
      expect(() => new Model(data).validate(), `${m.file} ${m.kind}/${m.metadata.name}`).not.toThrow();
    }
  });

  it('each Switchyard Deployment has probes on named ports, resource requests, and runs as non-root', () => {
    expect(ours.map((d) => d.metadata.name).sort()).toEqual([
      'switchyard-batch',
      'switchyard-cache',
      'switchyard-ingress',
      'switchyard-policy',
      'switchyard-router',
      'switchyard-telemetry',
      'switchyard-worker-demo',
      'switchyard-worker-openai',
    ]);
    for (const d of ours) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of pod.containers) {
        const ports = new Set((c.ports ?? []).map((p: { name: string }) => p.name));
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          expect(probe?.httpGet, `${d.metadata.name} probe`).toBeDefined();
          expect(ports.has(probe.httpGet.port), `${d.metadata.name} probe port`).toBe(true);
        }
        expect(c.resources.requests.cpu, d.metadata.name).toBeDefined();
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      }
    }
  });

  it('each Switchyard Deployment has an autoscaler and a disruption budget of its own', () => {
    for (const d of ours) {
      const hpa = all.filter(
        (m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === d.metadata.name,
      );
      expect(hpa, d.metadata.name).toHaveLength(1);
      expect(hpa[0]!.spec.minReplicas, d.metadata.name).toBeGreaterThanOrEqual(2);
      const pdb = all.filter(
        (m) => m.kind === 'PodDisruptionBudget' && selects(m.spec.selector.matchLabels, podLabels(d)),
      );
      expect(pdb, d.metadata.name).toHaveLength(1);
      // A budget must select this Deployment's pods only, or draining one would count another's.
      const selected = deployments.filter((other) =>
        selects(pdb[0]!.spec.selector.matchLabels, podLabels(other)),
      );
      expect(selected.map((o) => o.metadata.name)).toEqual([d.metadata.name]);
    }
  });

  it('no secret is written into a manifest: keys and secrets come from Secrets', () => {
    for (const d of ours) {
      for (const c of d.spec.template.spec.containers) {
        for (const env of c.env ?? []) {
          if (/KEY|SECRET|TOKEN|PASSWORD/.test(env.name)) {
            expect(env.valueFrom?.secretKeyRef, `${d.metadata.name} ${env.name}`).toBeDefined();
          }
        }
      }
    }
    const literals = kustomization.configMapGenerator.flatMap((g) => g.literals ?? []);
    expect(literals.filter((l) => /KEY|SECRET|TOKEN|PASSWORD/.test(l.split('=')[0]!))).toEqual([]);
  });

  it('the config in the ConfigMap is a valid Switchyard config, with a worker for each provider', () => {
    const text = readFileSync(join(k8s, 'base', 'switchyard.yaml'), 'utf8');
    const config = parseConfig(
      interpolate(parseYaml(text), { SWITCHYARD_MASTER_KEY: 'sk-k8s-test-0123456789' }),
    );
    const workerProviders = base
      .filter((m) => m.kind === 'Deployment')
      .map((d) => d.spec.template.spec.containers[0].args as string[])
      .filter((args) => args[0] === 'worker')
      .map((args) => args[args.indexOf('--provider') + 1]);
    expect(workerProviders.sort()).toEqual(Object.keys(config.providers).sort());
  });

  it('each Switchyard Deployment logs in to NATS as the service user, with the password from the Secret', () => {
    for (const d of ours) {
      const env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[] =
        d.spec.template.spec.containers[0].env;
      const names = env.map((e) => e.name);
      const password = env.find((e) => e.name === 'NATS_PASSWORD');
      expect(password?.valueFrom?.secretKeyRef?.key, d.metadata.name).toBe('nats-service-password');
      // $(VAR) expands only variables defined before it in the list.
      expect(names.indexOf('NATS_PASSWORD'), d.metadata.name).toBeLessThan(names.indexOf('NATS_URL'));
      // `nats` is the Service the NATS chart creates for release `nats`; `switchyard` the user of accounts.conf.
      expect(env.find((e) => e.name === 'NATS_URL')?.value, d.metadata.name).toBe(
        'nats://switchyard:$(NATS_PASSWORD)@nats:4222',
      );
    }
    const literals = kustomization.configMapGenerator.flatMap((g) => g.literals ?? []);
    expect(literals.filter((l) => l.startsWith('NATS_URL='))).toEqual([]);
  });

  it('the autoscaler on pending messages replaces a base one and asks for the metric prometheus-adapter serves', () => {
    const adapter = parseYaml(
      readFileSync(join(k8s, 'examples', 'prometheus-adapter-values.yaml'), 'utf8'),
    ) as {
      rules: { external: { seriesQuery: string; name: { as: string } }[] };
    };
    const rule = adapter.rules.external[0]!;
    // The series telemetry exports (docs/observability.md), under the name the HPA asks for.
    expect(rule.seriesQuery).toMatch(/^switchyard_stage_pending_messages\{/);
    for (const hpa of replacements) {
      const replaced = all.filter((m) => m.kind === hpa.kind && m.metadata.name === hpa.metadata.name);
      expect(replaced, hpa.metadata.name).toHaveLength(1);
      expect(hpa.spec.scaleTargetRef).toEqual(replaced[0]!.spec.scaleTargetRef);
      const target = ours.find((d) => d.metadata.name === hpa.spec.scaleTargetRef.name)!;
      const args = target.spec.template.spec.containers[0].args as string[];
      const external = hpa.spec.metrics.find((m: { type: string }) => m.type === 'External').external;
      expect(external.metric.name).toBe(rule.name.as);
      expect(external.metric.selector.matchLabels).toEqual({
        stage: `provider.${args[args.indexOf('--provider') + 1]}`,
      });
    }
  });

  it('every Service selects the pods of a Deployment', () => {
    for (const s of all.filter((m) => m.kind === 'Service')) {
      const matched = deployments.filter((d) => selects(s.spec.selector, podLabels(d)));
      expect(matched, s.metadata.name).toHaveLength(1);
    }
  });
});
